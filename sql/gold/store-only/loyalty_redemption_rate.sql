-- loyalty_redemption_rate, rollback variant: store lines that carried a loyalty scan or resolved loyalty_id only.
-- Same columns as the omnichannel view.
-- Freshness canaries (event_id 'canary-...', core/canary.ts) are left out: they measure the pipeline, not shoppers.
CREATE OR REPLACE VIEW retail_gold.loyalty_redemption_rate AS
WITH loyalty_lines AS (
  SELECT CAST(event_ts AS date) AS day, channel, event_id
  FROM retail_silver.order_events
  WHERE loyalty_id IS NOT NULL AND channel = 'store' AND NOT starts_with(event_id, 'canary-')
),
redeemed AS (
  SELECT DISTINCT CAST(event_ts AS date) AS day, order_event_id
  FROM retail_silver.loyalty_redemptions
  WHERE channel = 'store'
)
SELECT
  l.day,
  l.channel,
  count(*) AS loyalty_order_lines,
  count(r.order_event_id) AS redeemed_lines,
  CAST(count(r.order_event_id) AS double) / count(*) AS loyalty_redemption_rate
FROM loyalty_lines AS l
LEFT JOIN redeemed AS r ON r.day = l.day AND r.order_event_id = l.event_id
GROUP BY l.day, l.channel;
