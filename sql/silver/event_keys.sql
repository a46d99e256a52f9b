-- retail:table semantics=snapshot pii=ops-merge,ops-reconcile,ops-backfill,ops-erase
-- PII: payload_digest (and an id-less copy key) hashes every field, the raw email included, unsalted; only the roles
-- that write, count or erase these rows may read it.
-- The key index of the stream merges: one row per event key a merge kept in silver, with its source (the same id
-- from the web and from a POS is two events), the kept copy's event day and payload digest and its arrival. A merge
-- matches silver only within its 3-day horizon; this index is how a re-send of a known key, whatever its event time,
-- is never inserted twice (a different payload is a conflicting_duplicate) while silver's old partitions stay unread.
CREATE TABLE IF NOT EXISTS retail_silver.event_keys (
  source_table string,
  event_id string,
  event_day date,
  payload_digest string,
  received_at timestamp
)
TBLPROPERTIES ('table_type' = 'ICEBERG');
