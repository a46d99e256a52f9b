-- campaign_roas (Marketing): return on ad spend per day, ad platform, campaign and the channel its ads ran in (web,
-- app, or store for store-visit campaigns): the revenue of the order lines the platform credits to the campaign, in
-- any channel, as silver holds them (order_events, not the platform's own claim: a credit for an order we never sold
-- adds nothing), over what its clicks cost. Spend is dated by its clicks, revenue by its order lines' day; an order
-- line credited twice to one campaign (re-reported under a new touch id) counts once. Canaries are left out.
CREATE OR REPLACE VIEW retail_gold.campaign_roas AS
WITH credited AS (
  SELECT DISTINCT CAST(o.event_ts AS date) AS day, c.ad_platform, c.campaign_id, c.channel, o.event_id, o.revenue
  FROM retail_silver.campaign_attribution AS c
  JOIN retail_silver.order_events AS o ON o.event_id = c.order_event_id
  WHERE c.touch_type = 'conversion' AND NOT starts_with(o.event_id, 'canary-')
),
touches AS (
  SELECT CAST(event_ts AS date) AS day, ad_platform, campaign_id, channel, 1 AS clicks, cost AS spend, 0 AS credited_lines,
    CAST(0 AS decimal(12, 2)) AS revenue
  FROM retail_silver.campaign_attribution
  WHERE touch_type = 'click'
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
