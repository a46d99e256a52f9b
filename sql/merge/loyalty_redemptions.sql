-- Bronze loyalty redemptions of one received_at window into retail_silver.loyalty_redemptions and
-- retail_silver.quarantine. Same rules as merge/cart_events.sql: idempotent inserts, dedupe on row_key keeping the
-- earliest valid arrival, refused rows kept with their reason, silver matched only within the 3-day merge horizon.
MERGE INTO retail_silver.loyalty_redemptions AS t
USING (
  WITH typed AS (
    SELECT
      b.*,
      CAST(try(from_iso8601_timestamp(b.event_time)) AT TIME ZONE 'UTC' AS timestamp) AS event_ts,
      b.received_at +
      -- retail:include fragments/max_clock_skew.sql
      AS latest_event_ts,
      -- retail:include fragments/loyalty_redemptions_key.sql
      AS row_key
    FROM retail_bronze.loyalty_redemptions AS b
    WHERE b.received_at >= TIMESTAMP '{{window_start}}' AND b.received_at < TIMESTAMP '{{window_end}}'
  ),
  -- retail:include fragments/loyalty_redemptions_ranked.sql
  SELECT * FROM ranked WHERE arrival = 1 AND reason IS NULL
) AS s
ON t.event_id = s.row_key AND t.event_ts >= TIMESTAMP '{{window_start}}' - INTERVAL '3' DAY
WHEN NOT MATCHED THEN INSERT (event_id, loyalty_id, order_event_id, channel, points, event_ts)
  VALUES (s.row_key, s.loyalty_id, trim(s.order_event_id), s.channel, s.points, s.event_ts);

MERGE INTO retail_silver.quarantine AS t
USING (
  WITH typed AS (
    SELECT
      b.*,
      CAST(try(from_iso8601_timestamp(b.event_time)) AT TIME ZONE 'UTC' AS timestamp) AS event_ts,
      b.received_at +
      -- retail:include fragments/max_clock_skew.sql
      AS latest_event_ts,
      -- retail:include fragments/loyalty_redemptions_key.sql
      AS row_key
    FROM retail_bronze.loyalty_redemptions AS b
    -- A row with no arrival time (NULL received_at) belongs to no window: every quarantine statement reads it
    -- (the NULL partition, pruned to nothing when empty) so it is refused as missing_received_at, never skipped.
    WHERE (b.received_at >= TIMESTAMP '{{window_start}}' AND b.received_at < TIMESTAMP '{{window_end}}') OR b.received_at IS NULL
  ),
  -- retail:include fragments/loyalty_redemptions_ranked.sql
  SELECT * FROM ranked WHERE arrival = 1 AND reason IS NOT NULL
) AS s
ON t.source_table = 'loyalty_redemptions' AND t.row_key = s.row_key
WHEN NOT MATCHED THEN INSERT (source_table, row_key, event_id, event_type, reason, raw_payload, event_ts, received_at)
  VALUES ('loyalty_redemptions', s.row_key, s.event_id, 'redemption', s.reason, concat_ws('|', coalesce(s.event_id, ''), coalesce(s.loyalty_id, ''), coalesce(s.order_event_id, ''),
      coalesce(s.channel, ''), coalesce(CAST(s.points AS varchar), ''), coalesce(s.event_time, '')), CASE WHEN s.reason = 'future_event_time' THEN s.received_at ELSE coalesce(s.event_ts, s.received_at) END,
    s.received_at);
