-- conversion_rate, rollback variant (store-only channel reporting while identity_bridge backfills): no cross-channel
-- attribution and no identity at all. A session converts only through its own purchase; store sales are reported
-- by the store KPIs instead of being credited to web sessions. Same columns as the omnichannel view.
-- Freshness canaries (event_id 'canary-...', core/canary.ts) are left out: they measure the pipeline, not shoppers.
CREATE OR REPLACE VIEW retail_gold.conversion_rate AS
WITH sessions AS (
  SELECT
    CAST(event_ts AS date) AS day,
    session_id,
    min(region) AS region,
    max(CASE WHEN event_type = 'purchase' THEN 1 ELSE 0 END) AS bought_in_session
  FROM retail_silver.cart_events
  WHERE NOT starts_with(event_id, 'canary-')
  GROUP BY CAST(event_ts AS date), session_id
)
SELECT
  day,
  region,
  count(*) AS sessions,
  count_if(bought_in_session = 1) AS converted_sessions,
  CAST(count_if(bought_in_session = 1) AS double) / count(*) AS conversion_rate
FROM sessions
GROUP BY day, region;
