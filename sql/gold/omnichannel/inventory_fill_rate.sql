-- inventory_fill_rate (Supply chain, direct query): units shipped over units ordered per region and snapshot day,
-- stores and distribution centers. day is snapshot_date, the partition column, so a day filter prunes.
CREATE OR REPLACE VIEW retail_gold.inventory_fill_rate AS
SELECT
  snapshot_date AS day,
  region,
  sum(units_ordered) AS units_ordered,
  sum(units_shipped) AS units_shipped,
  CAST(sum(units_shipped) AS double) / nullif(sum(units_ordered), 0) AS inventory_fill_rate
FROM retail_silver.erp_inventory
GROUP BY snapshot_date, region;
