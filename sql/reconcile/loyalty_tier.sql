-- Daily reconciliation for retail_silver.loyalty_tier on snapshot day {{day}}: source_rows counts the distinct keys of the
-- landed extract (row_key as the merge computes it, one fragment), silver_rows what silver kept plus what the merge quarantined. Both sides prune on snapshot_date.
WITH sent AS (
  SELECT count(DISTINCT row_key) AS n
  FROM (
    SELECT
      -- retail:include fragments/loyalty_tier_key.sql
      AS row_key
    FROM retail_bronze.loyalty_tier
    WHERE snapshot_date = DATE '{{day}}'
  ) AS keys_of_day
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
