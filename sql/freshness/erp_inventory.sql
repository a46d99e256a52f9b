-- Freshness of retail_silver.erp_inventory: the newest daily snapshot, as a timestamp like the other tables.
-- Only partitions within the handler's lookback (longer than any budget) are read; a table with nothing newer reads as
-- empty, and an empty input leaves its KPI unmeasured, which its alarm treats as breaching.
SELECT CAST(max(snapshot_date) AS timestamp) AS newest_event_ts FROM retail_silver.erp_inventory
WHERE snapshot_date >= CAST(TIMESTAMP '{{since}}' AS date);
