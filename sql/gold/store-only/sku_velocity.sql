-- sku_velocity, rollback variant: store order lines only. Same columns as the omnichannel view.
-- Freshness canaries (event_id 'canary-...', core/canary.ts) are left out: they measure the pipeline, not shoppers.
CREATE OR REPLACE VIEW retail_gold.sku_velocity AS
SELECT
  CAST(event_ts AS date) AS day,
  channel,
  sku,
  count(*) AS order_lines,
  sum(revenue) AS revenue
FROM retail_silver.order_events
WHERE channel = 'store' AND NOT starts_with(event_id, 'canary-')
GROUP BY CAST(event_ts AS date), channel, sku;
