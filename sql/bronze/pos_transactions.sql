-- retail:table semantics=event event-time=received_at pii=pos-transactions-firehose,ops-merge,ops-reconcile,ops-backfill,ops-erase,ops-maintenance
-- Legacy POS receipt lines as Firehose lands them; one row per line, receipt_id groups the lines of a basket.
-- email may be masked by the POS, loyalty_id is present only on a loyalty scan.
CREATE TABLE IF NOT EXISTS retail_bronze.pos_transactions (
  event_id string,
  receipt_id string,
  store_id string,
  region string,
  loyalty_id string,
  email string,
  sku string,
  quantity int,
  revenue decimal(12,2),
  event_time string,
  received_at timestamp
)
PARTITIONED BY (day(received_at))
TBLPROPERTIES ('table_type' = 'ICEBERG');
