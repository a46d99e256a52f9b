-- inventory_fill_rate, rollback variant: store locations only. Same columns as the omnichannel view.
CREATE OR REPLACE VIEW retail_gold.inventory_fill_rate AS
SELECT
  snapshot_date AS day,
  region,
  sum(units_ordered) AS units_ordered,
  sum(units_shipped) AS units_shipped,
  CAST(sum(units_shipped) AS double) / nullif(sum(units_ordered), 0) AS inventory_fill_rate
FROM retail_silver.erp_inventory
WHERE location_type = 'store'
GROUP BY snapshot_date, region;
