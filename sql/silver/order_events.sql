-- retail:table semantics=event event-time=event_ts
-- Orders from every channel after dedupe and identity resolution. Exactly the seed's columns:
-- loyalty_id is the resolved identity (loyalty scan first, then the salted email_hash via identity_bridge).
CREATE TABLE IF NOT EXISTS retail_silver.order_events (
  event_id string,
  channel string,
  loyalty_id string,
  sku string,
  event_ts timestamp,
  revenue decimal(12,2)
)
PARTITIONED BY (day(event_ts))
TBLPROPERTIES ('table_type' = 'ICEBERG');
