-- Bridge coverage: of the purchases silver holds from {{since}} (order_events, canaries left out), how many carry a
-- resolved loyalty_id (the loyalty scan, else a unique salted email_hash in identity_bridge), per stream product.
-- order_events' channel names the source: 'store' lines come from the POS stream, 'web' and 'app' from the cart stream.
SELECT
  CASE WHEN channel = 'store' THEN 'pos_transactions' ELSE 'cart_events' END AS product,
  count(*) AS purchases,
  count(loyalty_id) AS resolved
FROM retail_silver.order_events
WHERE event_ts >= TIMESTAMP '{{since}}' AND NOT starts_with(event_id, 'canary-')
GROUP BY CASE WHEN channel = 'store' THEN 'pos_transactions' ELSE 'cart_events' END;
