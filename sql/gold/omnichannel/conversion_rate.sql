-- conversion_rate (Merchandising): share of web and app sessions whose shopper bought the same day in any channel,
-- online in the session or in a store. Identity comes from silver: the session's and the order's resolved
-- loyalty_id (scan, else identity_bridge), so a household email can never credit one member's receipt to
-- another member's session, and each session counts at most once: the rate cannot exceed 100 %.
-- day is CAST(event_ts AS date) of the partition column, so `WHERE day = DATE '...'` prunes on day(event_ts).
-- Freshness canaries (event_id 'canary-...', core/canary.ts) are left out: they measure the pipeline, not shoppers.
CREATE OR REPLACE VIEW retail_gold.conversion_rate AS
WITH sessions AS (
  SELECT
    CAST(event_ts AS date) AS day,
    session_id,
    min(region) AS region,
    max(loyalty_id) AS loyalty_id,
    max(CASE WHEN event_type = 'purchase' THEN 1 ELSE 0 END) AS bought_in_session
  FROM retail_silver.cart_events
  WHERE NOT starts_with(event_id, 'canary-')
  GROUP BY CAST(event_ts AS date), session_id
),
buyers AS (
  SELECT DISTINCT CAST(event_ts AS date) AS day, loyalty_id
  FROM retail_silver.order_events
  WHERE loyalty_id IS NOT NULL AND NOT starts_with(event_id, 'canary-')
)
SELECT
  s.day,
  s.region,
  count(*) AS sessions,
  count_if(s.bought_in_session = 1 OR b.loyalty_id IS NOT NULL) AS converted_sessions,
  CAST(count_if(s.bought_in_session = 1 OR b.loyalty_id IS NOT NULL) AS double) / count(*) AS conversion_rate
FROM sessions AS s
LEFT JOIN buyers AS b ON b.day = s.day AND b.loyalty_id = s.loyalty_id
GROUP BY s.day, s.region;
