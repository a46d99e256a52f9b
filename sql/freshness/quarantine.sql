-- Freshness of retail_silver.quarantine: the newest arrival the merge refused (received_at, since a refused
-- row's own event time may be unparseable).
SELECT max(received_at) AS newest_event_ts FROM retail_silver.quarantine;
