-- sku_velocity (Inventory, direct query): order lines and revenue per SKU, channel and day across web, app and
-- store. order_events carries no store or region (the seed's six columns), so there is no region here.
CREATE OR REPLACE VIEW retail_gold.sku_velocity AS
SELECT
  CAST(event_ts AS date) AS day,
  channel,
  sku,
  count(*) AS order_lines,
  sum(revenue) AS revenue
FROM retail_silver.order_events
GROUP BY CAST(event_ts AS date), channel, sku;
