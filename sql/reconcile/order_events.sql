-- Daily reconciliation for retail_silver.order_events on event day {{day}}: source_rows counts the distinct web and
-- app purchases and POS lines the sources sent, each keyed by (source, row_key) with row_key as the merge computes it
-- (one fragment per source), so duplicates count once and the same id from the web and a POS counts twice;
-- silver_rows counts what silver kept plus what the merge quarantined. Refused rows stay visible: equal counts mean nothing vanished.
-- The bronze side reads the three received_at days starting at {{day}} (events may arrive up to two days late);
-- both sides prune to their day partitions. Rows with no received_at (the NULL partition) are read too: the merge
-- quarantines them as missing_received_at, dated by their event time. order_events has no source column: channel 'store' is the POS, web and app the carts.
WITH sent AS (
  SELECT count(*) AS n
  FROM (
    SELECT DISTINCT source_table, row_key
    FROM (
      SELECT
        'cart_events' AS source_table,
        -- retail:include fragments/cart_events_key.sql
        AS row_key,
        -- An event dated beyond the skew bound is refused as future_event_time and counted on its arrival day.
        CASE WHEN CAST(try(from_iso8601_timestamp(event_time)) AT TIME ZONE 'UTC' AS timestamp) > b.received_at +
          -- retail:include fragments/max_clock_skew.sql
          THEN b.received_at
          ELSE coalesce(CAST(try(from_iso8601_timestamp(event_time)) AT TIME ZONE 'UTC' AS timestamp), b.received_at) END AS ts
      FROM retail_bronze.cart_events AS b
      WHERE ((b.received_at >= TIMESTAMP '{{day}} 00:00:00' AND b.received_at < TIMESTAMP '{{day}} 00:00:00' + INTERVAL '3' DAY) OR b.received_at IS NULL)
        AND event_type = 'purchase'
      UNION ALL
      SELECT
        'pos_transactions' AS source_table,
        -- retail:include fragments/pos_transactions_key.sql
        AS row_key,
        -- An event dated beyond the skew bound is refused as future_event_time and counted on its arrival day.
        CASE WHEN CAST(try(from_iso8601_timestamp(event_time)) AT TIME ZONE 'UTC' AS timestamp) > b.received_at +
          -- retail:include fragments/max_clock_skew.sql
          THEN b.received_at
          ELSE coalesce(CAST(try(from_iso8601_timestamp(event_time)) AT TIME ZONE 'UTC' AS timestamp), b.received_at) END AS ts
      FROM retail_bronze.pos_transactions AS b
      WHERE ((b.received_at >= TIMESTAMP '{{day}} 00:00:00' AND b.received_at < TIMESTAMP '{{day}} 00:00:00' + INTERVAL '3' DAY) OR b.received_at IS NULL)
    ) AS rows_of_day
    WHERE CAST(ts AS date) = DATE '{{day}}'
  ) AS keys_of_day
),
kept AS (
  SELECT count(*) AS n FROM retail_silver.order_events WHERE CAST(event_ts AS date) = DATE '{{day}}'
),
refused AS (
  -- Keys, not rows: a conflicting duplicate is recorded under its event's key (event_id), which the source counts
  -- once, so it adds a key only on a day where silver does not hold that key for that source.
  SELECT count(DISTINCT source_table || ':' || event_key) AS n
  FROM (
    SELECT source_table, CASE WHEN reason = 'conflicting_duplicate' THEN event_id ELSE row_key END AS event_key
    FROM retail_silver.quarantine
    WHERE CAST(event_ts AS date) = DATE '{{day}}' AND event_type = 'purchase' AND source_table IN ('cart_events', 'pos_transactions')
  ) AS q
  -- A key refused in one window and kept from a later valid copy counts once, as the source counts it; kept
  -- rows of the other source do not hide a refused one.
  WHERE (source_table = 'cart_events' AND event_key NOT IN (
      SELECT event_id FROM retail_silver.order_events WHERE CAST(event_ts AS date) = DATE '{{day}}' AND channel IN ('web', 'app')))
    OR (source_table = 'pos_transactions' AND event_key NOT IN (
      SELECT event_id FROM retail_silver.order_events WHERE CAST(event_ts AS date) = DATE '{{day}}' AND channel = 'store'))
)
SELECT CAST(sent.n AS bigint) AS source_rows, CAST(kept.n + refused.n AS bigint) AS silver_rows
FROM sent, kept, refused;
