-- retail:table semantics=event event-time=event_ts
-- Ad platform touches after dedupe: clicks with their cost, conversions with the order line they credit
-- (order_event_id joins to order_events.event_id for campaign_roas). Holds no member data.
CREATE TABLE IF NOT EXISTS retail_silver.campaign_attribution (
  event_id string,
  ad_platform string,
  campaign_id string,
  touch_type string,
  channel string,
  order_event_id string,
  cost decimal(12,2),
  event_ts timestamp
)
PARTITIONED BY (day(event_ts))
TBLPROPERTIES ('table_type' = 'ICEBERG');
