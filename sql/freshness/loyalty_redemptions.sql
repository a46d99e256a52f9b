-- Freshness of retail_silver.loyalty_redemptions: the newest event time silver holds.
SELECT max(event_ts) AS newest_event_ts FROM retail_silver.loyalty_redemptions;
