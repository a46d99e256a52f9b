-- retail:table semantics=snapshot pii=ops-merge,ops-freshness,ops-erase
-- One row per (loyalty_id, email_hash). loyalty_id is the key; the salted SHA-256 email_hash is the
-- secondary key and resolves an event to a loyalty_id only when exactly one loyalty_id carries it.
CREATE TABLE IF NOT EXISTS retail_silver.identity_bridge (
  loyalty_id string,
  email_hash string,
  first_seen timestamp,
  last_seen timestamp,
  source string
)
TBLPROPERTIES ('table_type' = 'ICEBERG');
