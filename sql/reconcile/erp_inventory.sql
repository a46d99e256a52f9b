-- Daily reconciliation for retail_silver.erp_inventory on snapshot day {{day}}: source_rows counts the distinct keys of the
-- landed extract, silver_rows what silver kept plus what the merge quarantined. Both sides prune on snapshot_date.
WITH sent AS (
  SELECT count(DISTINCT CASE WHEN b.location_id IS NULL OR trim(b.location_id) = '' OR b.sku IS NULL OR trim(b.sku) = '' THEN concat_ws('|', 'missing', coalesce(b.location_id, ''), coalesce(b.location_type, ''), coalesce(b.region, ''), coalesce(b.sku, ''),
      coalesce(CAST(b.on_hand AS varchar), ''), coalesce(CAST(b.units_ordered AS varchar), ''), coalesce(CAST(b.units_shipped AS varchar), '')) ELSE concat_ws('|', coalesce(b.location_id, ''), coalesce(b.sku, '')) END) AS n
  FROM retail_bronze.erp_inventory AS b
  WHERE b.snapshot_date = DATE '{{day}}'
),
kept AS (
  SELECT count(*) AS n FROM retail_silver.erp_inventory WHERE snapshot_date = DATE '{{day}}'
),
refused AS (
  SELECT count(*) AS n FROM retail_silver.quarantine
  WHERE CAST(event_ts AS date) = DATE '{{day}}' AND source_table = 'erp_inventory'
)
SELECT CAST(sent.n AS bigint) AS source_rows, CAST(kept.n + refused.n AS bigint) AS silver_rows
FROM sent, kept, refused;
