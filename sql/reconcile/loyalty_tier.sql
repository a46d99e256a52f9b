-- Daily reconciliation for retail_silver.loyalty_tier on snapshot day {{day}}: source_rows counts the distinct keys of the
-- landed extract, silver_rows what silver kept plus what the merge quarantined. Both sides prune on snapshot_date.
WITH sent AS (
  SELECT count(DISTINCT CASE WHEN b.loyalty_id IS NULL OR trim(b.loyalty_id) = '' THEN concat_ws('|', 'missing', coalesce(b.loyalty_id, ''), coalesce(b.tier, ''), coalesce(b.region, '')) ELSE concat_ws('|', coalesce(b.loyalty_id, '')) END) AS n
  FROM retail_bronze.loyalty_tier AS b
  WHERE b.snapshot_date = DATE '{{day}}'
),
kept AS (
  SELECT count(*) AS n FROM retail_silver.loyalty_tier WHERE snapshot_date = DATE '{{day}}'
),
refused AS (
  SELECT count(*) AS n FROM retail_silver.quarantine
  WHERE CAST(event_ts AS date) = DATE '{{day}}' AND source_table = 'loyalty_tier'
)
SELECT CAST(sent.n AS bigint) AS source_rows, CAST(kept.n + refused.n AS bigint) AS silver_rows
FROM sent, kept, refused;
