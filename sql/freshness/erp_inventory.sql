-- Freshness of retail_silver.erp_inventory: the newest daily snapshot, as a timestamp like the other tables.
SELECT CAST(max(snapshot_date) AS timestamp) AS newest_event_ts FROM retail_silver.erp_inventory;
