-- Freshness of retail_silver.campaign_attribution: the newest event time silver holds.
-- Only partitions within the handler's lookback (longer than any budget) are read; a table with nothing newer reads as
-- empty, and an empty input leaves its KPI unmeasured, which its alarm treats as breaching.
SELECT max(event_ts) AS newest_event_ts FROM retail_silver.campaign_attribution WHERE event_ts >= TIMESTAMP '{{since}}';
