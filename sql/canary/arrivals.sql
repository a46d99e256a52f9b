-- Freshness canaries' arrivals in silver (retail_silver.canary_arrivals, written by the stream merges) sent since the
-- handler's canary lookback: a few rows per round, partition-pruned on the send day.
SELECT product, event_id, sent_at, silver_at
FROM retail_silver.canary_arrivals
WHERE sent_at >= TIMESTAMP '{{since}}';
