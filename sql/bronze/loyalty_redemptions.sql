-- retail:table semantics=event event-time=received_at
-- Points redemptions from the loyalty CRM, landed hourly. order_event_id names the order line the points paid for.
CREATE TABLE IF NOT EXISTS retail_bronze.loyalty_redemptions (
  event_id string,
  loyalty_id string,
  order_event_id string,
  channel string,
  points int,
  event_time string,
  received_at timestamp
)
PARTITIONED BY (day(received_at))
TBLPROPERTIES ('table_type' = 'ICEBERG');
