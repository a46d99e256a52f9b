-- campaign_roas, rollback variant (store-only channel reporting): store campaigns only (touches in channel store,
-- the platform's store-visit ads), credited with store order lines only, as sku_velocity and loyalty_redemption_rate
-- keep to store lines. No cross-channel credit: a store sale credited to a web ad is left out, as the store-only
-- conversion_rate leaves web sessions uncredited with store purchases. Same columns as the omnichannel view.
CREATE OR REPLACE VIEW retail_gold.campaign_roas AS
WITH credited AS (
  SELECT DISTINCT CAST(o.event_ts AS date) AS day, c.ad_platform, c.campaign_id, c.channel, o.event_id, o.revenue
  FROM retail_silver.campaign_attribution AS c
  JOIN retail_silver.order_events AS o ON o.event_id = c.order_event_id
  WHERE c.touch_type = 'conversion' AND c.channel = 'store' AND o.channel = 'store' AND NOT starts_with(o.event_id, 'canary-')
),
touches AS (
  SELECT CAST(event_ts AS date) AS day, ad_platform, campaign_id, channel, 1 AS clicks, cost AS spend, 0 AS credited_lines,
    CAST(0 AS decimal(12, 2)) AS revenue
  FROM retail_silver.campaign_attribution
  WHERE touch_type = 'click' AND channel = 'store'
  UNION ALL
  SELECT day, ad_platform, campaign_id, channel, 0, CAST(0 AS decimal(12, 2)), 1, revenue
  FROM credited
)
SELECT
  day,
  ad_platform,
  campaign_id,
  channel,
  sum(clicks) AS clicks,
  sum(spend) AS spend,
  sum(credited_lines) AS attributed_order_lines,
  sum(revenue) AS attributed_revenue,
  CAST(sum(revenue) AS double) / nullif(sum(spend), 0) AS campaign_roas
FROM touches
GROUP BY day, ad_platform, campaign_id, channel;
