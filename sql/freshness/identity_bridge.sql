-- Freshness of retail_silver.identity_bridge: the newest link it has seen.
SELECT max(last_seen) AS newest_event_ts FROM retail_silver.identity_bridge;
