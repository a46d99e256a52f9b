-- Daily reconciliation for retail_silver.campaign_attribution (ad platform touches) on event day {{day}}: source_rows counts the distinct rows the
-- sources sent (row_key as the merge computes it, so duplicates count once), silver_rows counts what silver kept
-- plus what the merge quarantined. Refused rows stay visible: equal counts mean nothing vanished.
-- The bronze side reads the three received_at days starting at {{day}} (events may arrive up to two days late);
-- both sides prune to their day partitions. Rows with no received_at (the NULL partition) are read too: the merge
-- quarantines them as missing_received_at, dated by their event time.
WITH sent AS (
  SELECT count(DISTINCT row_key) AS n
  FROM (
    SELECT
      -- retail:include fragments/campaign_attribution_key.sql
      AS row_key,
      -- An event dated beyond the skew bound is refused as future_event_time and counted on its arrival day.
      CASE WHEN CAST(try(from_iso8601_timestamp(event_time)) AT TIME ZONE 'UTC' AS timestamp) > b.received_at +
        -- retail:include fragments/max_clock_skew.sql
        THEN b.received_at
        ELSE coalesce(CAST(try(from_iso8601_timestamp(event_time)) AT TIME ZONE 'UTC' AS timestamp), b.received_at) END AS ts
    FROM retail_bronze.campaign_attribution AS b
    WHERE ((b.received_at >= TIMESTAMP '{{day}} 00:00:00' AND b.received_at < TIMESTAMP '{{day}} 00:00:00' + INTERVAL '3' DAY) OR b.received_at IS NULL)
  ) AS rows_of_day
  WHERE CAST(ts AS date) = DATE '{{day}}'
),
kept AS (
  SELECT count(*) AS n FROM retail_silver.campaign_attribution WHERE CAST(event_ts AS date) = DATE '{{day}}'
),
refused AS (
  -- Keys, not rows, as in reconcile/cart_events.sql: a conflicting duplicate is recorded under its event's key
  -- (event_id), which the source counts once, so it adds a key only on a day where silver does not hold that key.
  SELECT count(DISTINCT event_key) AS n
  FROM (
    SELECT CASE WHEN reason = 'conflicting_duplicate' THEN event_id ELSE row_key END AS event_key
    FROM retail_silver.quarantine
    WHERE CAST(event_ts AS date) = DATE '{{day}}' AND source_table = 'campaign_attribution'
  ) AS q
  -- A key refused in one window and kept from a later valid copy counts once, as the source counts it.
  WHERE event_key NOT IN (SELECT event_id FROM retail_silver.campaign_attribution WHERE CAST(event_ts AS date) = DATE '{{day}}')
)
SELECT CAST(sent.n AS bigint) AS source_rows, CAST(kept.n + refused.n AS bigint) AS silver_rows
FROM sent, kept, refused;
