-- retail:table semantics=snapshot
-- Daily inventory snapshot per location (store or distribution center) and SKU; inventory_fill_rate reads it.
CREATE TABLE IF NOT EXISTS retail_silver.erp_inventory (
  snapshot_date date,
  location_id string,
  location_type string,
  region string,
  sku string,
  on_hand int,
  units_ordered int,
  units_shipped int
)
PARTITIONED BY (snapshot_date)
TBLPROPERTIES ('table_type' = 'ICEBERG');
