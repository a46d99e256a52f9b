-- retail:table semantics=event event-time=event_ts
-- Web and app cart/browse activity after dedupe, typed, with the resolved loyalty_id (scan first, then the bridge).
-- Session KPIs (conversion_rate, cart_abandonment) read it; purchases are also copied to order_events.
CREATE TABLE IF NOT EXISTS retail_silver.cart_events (
  event_id string,
  event_type string,
  session_id string,
  channel string,
  loyalty_id string,
  region string,
  sku string,
  quantity int,
  revenue decimal(12,2),
  event_ts timestamp
)
PARTITIONED BY (day(event_ts))
TBLPROPERTIES ('table_type' = 'ICEBERG');
