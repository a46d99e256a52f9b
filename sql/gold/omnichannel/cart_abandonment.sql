-- cart_abandonment (E-commerce): share of web and app sessions with an add_to_cart that ended without a purchase,
-- neither in the session nor the same day in a store by the same resolved shopper (a cart recovered in a store is
-- not abandoned). Identity as in conversion_rate.
-- Freshness canaries (event_id 'canary-...', core/canary.ts) are left out: they measure the pipeline, not shoppers.
CREATE OR REPLACE VIEW retail_gold.cart_abandonment AS
WITH carts AS (
  SELECT
    CAST(event_ts AS date) AS day,
    session_id,
    min(region) AS region,
    max(loyalty_id) AS loyalty_id,
    max(CASE WHEN event_type = 'purchase' THEN 1 ELSE 0 END) AS bought_in_session
  FROM retail_silver.cart_events
  WHERE NOT starts_with(event_id, 'canary-')
  GROUP BY CAST(event_ts AS date), session_id
  HAVING max(CASE WHEN event_type = 'add_to_cart' THEN 1 ELSE 0 END) = 1
),
buyers AS (
  SELECT DISTINCT CAST(event_ts AS date) AS day, loyalty_id
  FROM retail_silver.order_events
  WHERE loyalty_id IS NOT NULL AND NOT starts_with(event_id, 'canary-')
)
SELECT
  c.day,
  c.region,
  count(*) AS carts,
  count_if(c.bought_in_session = 0 AND b.loyalty_id IS NULL) AS abandoned_carts,
  CAST(count_if(c.bought_in_session = 0 AND b.loyalty_id IS NULL) AS double) / count(*) AS cart_abandonment
FROM carts AS c
LEFT JOIN buyers AS b ON b.day = c.day AND b.loyalty_id = c.loyalty_id
GROUP BY c.day, c.region;
