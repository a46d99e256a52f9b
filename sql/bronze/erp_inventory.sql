-- retail:table semantics=snapshot
-- The daily ERP/WMS inventory extract as the Glue job lands it, one row per location and SKU.
CREATE TABLE IF NOT EXISTS retail_bronze.erp_inventory (
  snapshot_date date,
  location_id string,
  location_type string,
  region string,
  sku string,
  on_hand int,
  units_ordered int,
  units_shipped int,
  -- Landing time of the extract copy, stamped by the Glue job (one value per run): a re-extract of the same
  -- snapshot_date lands later, and the merge keeps the latest landed copy of each key.
  received_at timestamp
)
PARTITIONED BY (snapshot_date)
TBLPROPERTIES ('table_type' = 'ICEBERG');
