-- retail:table semantics=event event-time=event_ts pii=ops-merge,ops-reconcile,ops-backfill,ops-freshness,ops-erase
-- Rows the merge refused, with the reason; nothing is dropped silently. row_key is event_id, or a hash of the raw
-- row when event_id is missing, so re-running a merge never quarantines a row twice. event_ts is the row's event
-- time when it parses and its received_at otherwise, so reconciliation counts it on the same day as its source.
-- event_type is copied as sent so order_events reconciliation can count refused purchases.
CREATE TABLE IF NOT EXISTS retail_silver.quarantine (
  source_table string,
  row_key string,
  event_id string,
  event_type string,
  reason string,
  raw_payload string,
  event_ts timestamp,
  received_at timestamp
)
PARTITIONED BY (day(event_ts))
TBLPROPERTIES ('table_type' = 'ICEBERG');
