-- The exact accounting of every bronze row, per product, on accounting day {{day}}: bronze = silver + quarantined +
-- duplicates, from raw bronze counts (count(*), not a key the merge computes, so a key flaw cannot hide on both
-- sides). One row per product; unaccounted must be 0, so this file has no tolerance (functions/reconcile.ts).
-- The accounting day of an event row (carts, POS, redemptions, ad touches) is its arrival day (received_at), else its event day,
-- else 1970-01-01 (a row with neither time is quarantined and counted there); of a batch extract row, its snapshot_date.
-- Silver is counted through the key index (retail_silver.event_keys carries the kept copy's arrival and event day);
-- a duplicate counts only when the row it names exists, in silver (by its key) or in quarantine.
WITH bronze AS (
  SELECT 'cart_events' AS product, count(*) AS n FROM retail_bronze.cart_events
  WHERE (received_at >= TIMESTAMP '{{day}} 00:00:00' AND received_at < TIMESTAMP '{{day}} 00:00:00' + INTERVAL '1' DAY)
    OR (received_at IS NULL AND coalesce(CAST(CAST(try(from_iso8601_timestamp(event_time)) AT TIME ZONE 'UTC' AS timestamp) AS date), DATE '1970-01-01') = DATE '{{day}}')
  UNION ALL
  SELECT 'pos_transactions', count(*) FROM retail_bronze.pos_transactions
  WHERE (received_at >= TIMESTAMP '{{day}} 00:00:00' AND received_at < TIMESTAMP '{{day}} 00:00:00' + INTERVAL '1' DAY)
    OR (received_at IS NULL AND coalesce(CAST(CAST(try(from_iso8601_timestamp(event_time)) AT TIME ZONE 'UTC' AS timestamp) AS date), DATE '1970-01-01') = DATE '{{day}}')
  UNION ALL
  SELECT 'loyalty_redemptions', count(*) FROM retail_bronze.loyalty_redemptions
  WHERE (received_at >= TIMESTAMP '{{day}} 00:00:00' AND received_at < TIMESTAMP '{{day}} 00:00:00' + INTERVAL '1' DAY)
    OR (received_at IS NULL AND coalesce(CAST(CAST(try(from_iso8601_timestamp(event_time)) AT TIME ZONE 'UTC' AS timestamp) AS date), DATE '1970-01-01') = DATE '{{day}}')
  UNION ALL
  SELECT 'campaign_attribution', count(*) FROM retail_bronze.campaign_attribution
  WHERE (received_at >= TIMESTAMP '{{day}} 00:00:00' AND received_at < TIMESTAMP '{{day}} 00:00:00' + INTERVAL '1' DAY)
    OR (received_at IS NULL AND coalesce(CAST(CAST(try(from_iso8601_timestamp(event_time)) AT TIME ZONE 'UTC' AS timestamp) AS date), DATE '1970-01-01') = DATE '{{day}}')
  UNION ALL
  SELECT 'erp_inventory', count(*) FROM retail_bronze.erp_inventory WHERE snapshot_date = DATE '{{day}}'
  UNION ALL
  SELECT 'loyalty_tier', count(*) FROM retail_bronze.loyalty_tier WHERE snapshot_date = DATE '{{day}}'
),
kept AS (
  SELECT k.source_table, k.event_id, k.event_day FROM retail_silver.event_keys AS k
  WHERE k.received_at >= TIMESTAMP '{{day}} 00:00:00' AND k.received_at < TIMESTAMP '{{day}} 00:00:00' + INTERVAL '1' DAY
),
silver AS (
  SELECT 'cart_events' AS product, count(*) AS n FROM retail_silver.cart_events AS s
  JOIN kept ON kept.source_table = 'cart_events' AND kept.event_id = s.event_id AND kept.event_day = CAST(s.event_ts AS date)
  UNION ALL
  SELECT 'pos_transactions', count(*) FROM retail_silver.order_events AS s
  JOIN kept ON kept.source_table = 'pos_transactions' AND kept.event_id = s.event_id AND kept.event_day = CAST(s.event_ts AS date)
  WHERE s.channel = 'store'
  UNION ALL
  SELECT 'loyalty_redemptions', count(*) FROM retail_silver.loyalty_redemptions AS s
  JOIN kept ON kept.source_table = 'loyalty_redemptions' AND kept.event_id = s.event_id AND kept.event_day = CAST(s.event_ts AS date)
  UNION ALL
  SELECT 'campaign_attribution', count(*) FROM retail_silver.campaign_attribution AS s
  JOIN kept ON kept.source_table = 'campaign_attribution' AND kept.event_id = s.event_id AND kept.event_day = CAST(s.event_ts AS date)
  UNION ALL
  SELECT 'erp_inventory', count(*) FROM retail_silver.erp_inventory WHERE snapshot_date = DATE '{{day}}'
  UNION ALL
  SELECT 'loyalty_tier', count(*) FROM retail_silver.loyalty_tier WHERE snapshot_date = DATE '{{day}}'
),
-- Quarantine and duplicates rows are dated as bronze is: arrival, else the event_ts they carry, else 1970-01-01 for
-- the stream products; event_ts (the snapshot_date) for the extracts.
quarantined AS (
  SELECT source_table AS product, count(*) AS n FROM retail_silver.quarantine
  WHERE CASE WHEN source_table IN ('erp_inventory', 'loyalty_tier') THEN CAST(event_ts AS date)
    ELSE coalesce(CAST(received_at AS date), CAST(event_ts AS date), DATE '1970-01-01') END = DATE '{{day}}'
  GROUP BY source_table
),
day_duplicates AS (
  SELECT d.* FROM retail_silver.duplicates AS d
  WHERE CASE WHEN d.source_table IN ('erp_inventory', 'loyalty_tier') THEN CAST(d.event_ts AS date)
    ELSE coalesce(CAST(d.received_at AS date), CAST(d.event_ts AS date), DATE '1970-01-01') END = DATE '{{day}}'
),
-- The row a duplicate names must exist: a quarantine row, or a kept key (the extracts' silver rows are keyed by their
-- columns). Both lookups read only the keys the day's duplicates name; each key is one row (the merges MERGE on it).
duplicated AS (
  SELECT d.source_table AS product, count(*) AS n
  FROM day_duplicates AS d
  LEFT JOIN (
    SELECT source_table, row_key FROM retail_silver.quarantine WHERE row_key IN (SELECT duplicate_of FROM day_duplicates)
  ) AS q ON d.duplicate_of_table = 'quarantine' AND q.source_table = d.source_table AND q.row_key = d.duplicate_of
  LEFT JOIN (
    SELECT source_table, event_id FROM retail_silver.event_keys WHERE event_id IN (SELECT duplicate_of FROM day_duplicates)
  ) AS k ON d.duplicate_of_table = 'silver' AND k.source_table = d.source_table AND k.event_id = d.duplicate_of
  WHERE q.row_key IS NOT NULL OR k.event_id IS NOT NULL OR (d.duplicate_of_table = 'silver' AND d.source_table IN ('erp_inventory', 'loyalty_tier'))
  GROUP BY d.source_table
)
SELECT bronze.product,
  CAST(bronze.n AS bigint) AS bronze_rows,
  CAST(coalesce(silver.n, 0) AS bigint) AS silver_rows,
  CAST(coalesce(quarantined.n, 0) AS bigint) AS quarantined_rows,
  CAST(coalesce(duplicated.n, 0) AS bigint) AS duplicate_rows
FROM bronze
LEFT JOIN silver ON silver.product = bronze.product
LEFT JOIN quarantined ON quarantined.product = bronze.product
LEFT JOIN duplicated ON duplicated.product = bronze.product
ORDER BY bronze.product;
