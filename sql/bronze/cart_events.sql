-- retail:table semantics=event event-time=received_at pii=cart-events-firehose,ops-merge,ops-reconcile,ops-backfill,ops-erase,ops-maintenance
-- Shopify web and app cart/browse events as Firehose lands them. event_time is kept as sent (ISO-8601 text) so
-- the merge can quarantine unparseable timestamps; received_at is stamped by the ingest edge and partitions.
-- region is the storefront's geo region, so sessions can be reported next to the stores of that region.
CREATE TABLE IF NOT EXISTS retail_bronze.cart_events (
  event_id string,
  event_type string,
  session_id string,
  channel string,
  loyalty_id string,
  email string,
  region string,
  sku string,
  quantity int,
  revenue decimal(12,2),
  event_time string,
  received_at timestamp
)
PARTITIONED BY (day(received_at))
TBLPROPERTIES ('table_type' = 'ICEBERG');
