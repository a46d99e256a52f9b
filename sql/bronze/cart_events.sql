-- retail:table semantics=event event-time=received_at
-- Shopify cart and browse events as Firehose lands them. event_time is kept as sent (a string) so the
-- merge can quarantine unparseable timestamps; received_at is stamped by the ingest edge and partitions.
CREATE TABLE IF NOT EXISTS retail_bronze.cart_events (
  event_id string,
  event_type string,
  session_id string,
  channel string,
  loyalty_id string,
  email string,
  store_id string,
  sku string,
  quantity int,
  revenue decimal(12,2),
  event_time string,
  received_at timestamp
)
PARTITIONED BY (day(received_at))
TBLPROPERTIES ('table_type' = 'ICEBERG');
