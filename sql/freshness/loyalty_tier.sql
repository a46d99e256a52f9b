-- Freshness of retail_silver.loyalty_tier: the newest daily snapshot, as a timestamp like the other tables.
SELECT CAST(max(snapshot_date) AS timestamp) AS newest_event_ts FROM retail_silver.loyalty_tier;
