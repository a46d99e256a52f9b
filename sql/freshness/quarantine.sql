-- Freshness of retail_silver.quarantine: the newest arrival the merge refused (received_at, since a refused
-- row's own event time may be unparseable).
-- Only partitions within the handler's lookback (longer than any budget) are read; a table with nothing newer reads as
-- empty, and an empty input leaves its KPI unmeasured, which its alarm treats as breaching.
SELECT max(received_at) AS newest_event_ts FROM retail_silver.quarantine WHERE event_ts >= TIMESTAMP '{{since}}';
