-- retail:table semantics=event event-time=sent_at
-- When each freshness canary (core/canary.ts) became readable in silver: one row per product and canary, written by
-- the product's merge right after the statements that put it there, with that statement's own clock. The gold views
-- read silver live, so this is also when the canary reached them; the freshness function follows it from here to
-- SPICE and publishes MeasuredFreshnessMinutes per KPI.
CREATE TABLE IF NOT EXISTS retail_silver.canary_arrivals (
  product string,
  event_id string,
  sent_at timestamp,
  silver_at timestamp
)
PARTITIONED BY (day(sent_at))
TBLPROPERTIES ('table_type' = 'ICEBERG');
