-- retail:table semantics=event event-time=received_at
-- Ad platform touches as the hourly export lands them: a click (what the platform charged for it) or a conversion
-- (the order line the platform credits to the campaign: order_event_id joins to order_events.event_id). channel is
-- where the campaign's ads ran (web, app, or store for store-visit ads), on a conversion too. No email and no
-- loyalty_id: the platform matches conversions to our order ids, so the table holds no member data.
CREATE TABLE IF NOT EXISTS retail_bronze.campaign_attribution (
  event_id string,
  ad_platform string,
  campaign_id string,
  touch_type string,
  channel string,
  order_event_id string,
  cost decimal(12,2),
  event_time string,
  received_at timestamp
)
PARTITIONED BY (day(received_at))
TBLPROPERTIES ('table_type' = 'ICEBERG');
