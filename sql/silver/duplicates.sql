-- retail:table semantics=event event-time=received_at pii=ops-merge,ops-reconcile,ops-backfill,ops-erase
-- Every bronze row the merges neither kept in silver nor quarantined: a copy of a row they did keep. copy_key names
-- the copy (a digest of its key, payload, arrival and rank among identical copies, so a re-run records it once) and
-- duplicate_of names the row it duplicates: an event key in silver (retail_silver.event_keys) or a quarantine row_key,
-- as duplicate_of_table says. With it every bronze row is accounted for (sql/reconcile/accounting/):
-- bronze = silver + quarantined + duplicates, per product and arrival day (snapshot day for the batch extracts).
CREATE TABLE IF NOT EXISTS retail_silver.duplicates (
  source_table string,
  copy_key string,
  duplicate_of string,
  duplicate_of_table string,
  event_ts timestamp,
  received_at timestamp
)
PARTITIONED BY (day(received_at))
TBLPROPERTIES ('table_type' = 'ICEBERG');
