-- retail:table semantics=snapshot pii=loyalty-tier-glue,ops-merge,ops-reconcile,ops-backfill,ops-erase,ops-maintenance
-- The daily loyalty CRM member extract as the Glue job lands it. The raw email stays in bronze: salting and
-- hashing happen in one place, the merge, so every email_hash in silver uses the same salt.
CREATE TABLE IF NOT EXISTS retail_bronze.loyalty_tier (
  snapshot_date date,
  loyalty_id string,
  tier string,
  email string,
  region string,
  -- Landing time of the extract copy, stamped by the Glue job (one value per run): a re-extract of the same
  -- snapshot_date lands later, and the merge keeps the latest landed copy of each key.
  received_at timestamp
)
PARTITIONED BY (snapshot_date)
TBLPROPERTIES ('table_type' = 'ICEBERG');
