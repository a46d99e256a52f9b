-- cart_abandonment, rollback variant: a cart counts as abandoned unless its own session bought; no identity, so a
-- cart recovered in a store is not seen. Same columns as the omnichannel view.
-- Freshness canaries (event_id 'canary-...', core/canary.ts) are left out: they measure the pipeline, not shoppers.
CREATE OR REPLACE VIEW retail_gold.cart_abandonment AS
WITH carts AS (
  SELECT
    CAST(event_ts AS date) AS day,
    session_id,
    min(region) AS region,
    max(CASE WHEN event_type = 'purchase' THEN 1 ELSE 0 END) AS bought_in_session
  FROM retail_silver.cart_events
  WHERE NOT starts_with(event_id, 'canary-')
  GROUP BY CAST(event_ts AS date), session_id
  HAVING max(CASE WHEN event_type = 'add_to_cart' THEN 1 ELSE 0 END) = 1
)
SELECT
  day,
  region,
  count(*) AS carts,
  count_if(bought_in_session = 0) AS abandoned_carts,
  CAST(count_if(bought_in_session = 0) AS double) / count(*) AS cart_abandonment
FROM carts
GROUP BY day, region;
