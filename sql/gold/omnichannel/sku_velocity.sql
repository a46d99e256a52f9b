-- sku_velocity (Inventory, direct query): order lines and revenue per SKU, channel and day across web, app and
-- store. order_events carries no store or region (the seed's six columns), so there is no region here.
-- Freshness canaries (event_id 'canary-...', core/canary.ts) are left out: they measure the pipeline, not shoppers.
CREATE OR REPLACE VIEW retail_gold.sku_velocity AS
SELECT
  CAST(event_ts AS date) AS day,
  channel,
  sku,
  count(*) AS order_lines,
  sum(revenue) AS revenue
FROM retail_silver.order_events
WHERE NOT starts_with(event_id, 'canary-')
GROUP BY CAST(event_ts AS date), channel, sku;
