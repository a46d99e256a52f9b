-- Freshness of retail_silver.order_events: the newest event time silver holds.
SELECT max(event_ts) AS newest_event_ts FROM retail_silver.order_events;
