-- retail:table semantics=event event-time=event_ts
-- Points redemptions after dedupe; order_event_id joins to order_events.event_id for loyalty_redemption_rate.
CREATE TABLE IF NOT EXISTS retail_silver.loyalty_redemptions (
  event_id string,
  loyalty_id string,
  order_event_id string,
  channel string,
  points int,
  event_ts timestamp
)
PARTITIONED BY (day(event_ts))
TBLPROPERTIES ('table_type' = 'ICEBERG');
