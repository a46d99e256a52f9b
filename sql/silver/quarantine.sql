-- retail:table semantics=event event-time=quarantined_at
-- Rows the merge refused, with the reason; nothing is dropped silently.
CREATE TABLE IF NOT EXISTS retail_silver.quarantine (
  source_table string,
  event_id string,
  reason string,
  raw_payload string,
  quarantined_at timestamp
)
PARTITIONED BY (day(quarantined_at))
TBLPROPERTIES ('table_type' = 'ICEBERG');
