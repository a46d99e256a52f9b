-- Freshness of retail_silver.cart_events: the newest event time silver holds.
-- Only partitions within the handler's lookback (longer than any budget) are read; a table with nothing newer reads as
-- empty, and an empty input leaves its KPI unmeasured, which its alarm treats as breaching.
-- A canary every few minutes would make a silent source look fresh: only real events count.
SELECT max(event_ts) AS newest_event_ts FROM retail_silver.cart_events
WHERE event_ts >= TIMESTAMP '{{since}}' AND NOT starts_with(event_id, 'canary-');
