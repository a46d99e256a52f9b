-- retail:table semantics=snapshot pii=ops-merge,ops-reconcile,ops-backfill,ops-freshness,ops-erase
-- Daily loyalty member snapshot. email_hash is the salted SHA-256 of the member's email; it feeds identity_bridge.
CREATE TABLE IF NOT EXISTS retail_silver.loyalty_tier (
  snapshot_date date,
  loyalty_id string,
  tier string,
  email_hash string,
  region string
)
PARTITIONED BY (snapshot_date)
TBLPROPERTIES ('table_type' = 'ICEBERG');
