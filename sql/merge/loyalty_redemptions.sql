-- Bronze loyalty redemptions of one received_at window into retail_silver.loyalty_redemptions and
-- retail_silver.quarantine. Same rules as merge/cart_events.sql: idempotent inserts, dedupe on row_key keeping the
-- earliest valid arrival, refused rows kept with their reason.
MERGE INTO retail_silver.loyalty_redemptions AS t
USING (
  WITH typed AS (
    SELECT
      b.*,
      CAST(try(from_iso8601_timestamp(b.event_time)) AT TIME ZONE 'UTC' AS timestamp) AS event_ts
    FROM retail_bronze.loyalty_redemptions AS b
    WHERE b.received_at >= TIMESTAMP '{{window_start}}' AND b.received_at < TIMESTAMP '{{window_end}}'
  ),
  checked AS (
    SELECT
      typed.*,
      coalesce(nullif(trim(event_id), ''), lower(to_hex(sha256(to_utf8(concat_ws('|', coalesce(event_id, ''), coalesce(loyalty_id, ''), coalesce(order_event_id, ''),
        coalesce(channel, ''), coalesce(CAST(points AS varchar), ''), coalesce(event_time, ''))))))) AS row_key,
      CASE
        WHEN event_id IS NULL OR trim(event_id) = '' THEN 'missing_event_id'
        WHEN event_ts IS NULL THEN 'unparseable_timestamp'
        WHEN channel IS NULL OR channel NOT IN ('web', 'app', 'store') THEN 'unknown_channel'
        WHEN loyalty_id IS NULL OR trim(loyalty_id) = '' THEN 'missing_loyalty_id'
        WHEN points IS NULL OR points <= 0 THEN 'nonpositive_points'
      END AS reason
    FROM typed
  ),
  ranked AS (
    SELECT
      checked.*,
      row_number() OVER (PARTITION BY row_key ORDER BY CASE WHEN reason IS NULL THEN 0 ELSE 1 END, received_at) AS arrival
    FROM checked
  )
  SELECT * FROM ranked WHERE arrival = 1 AND reason IS NULL
) AS s
ON t.event_id = s.event_id
WHEN NOT MATCHED THEN INSERT (event_id, loyalty_id, order_event_id, channel, points, event_ts)
  VALUES (s.event_id, s.loyalty_id, s.order_event_id, s.channel, s.points, s.event_ts);

MERGE INTO retail_silver.quarantine AS t
USING (
  WITH typed AS (
    SELECT
      b.*,
      CAST(try(from_iso8601_timestamp(b.event_time)) AT TIME ZONE 'UTC' AS timestamp) AS event_ts
    FROM retail_bronze.loyalty_redemptions AS b
    WHERE b.received_at >= TIMESTAMP '{{window_start}}' AND b.received_at < TIMESTAMP '{{window_end}}'
  ),
  checked AS (
    SELECT
      typed.*,
      coalesce(nullif(trim(event_id), ''), lower(to_hex(sha256(to_utf8(concat_ws('|', coalesce(event_id, ''), coalesce(loyalty_id, ''), coalesce(order_event_id, ''),
        coalesce(channel, ''), coalesce(CAST(points AS varchar), ''), coalesce(event_time, ''))))))) AS row_key,
      CASE
        WHEN event_id IS NULL OR trim(event_id) = '' THEN 'missing_event_id'
        WHEN event_ts IS NULL THEN 'unparseable_timestamp'
        WHEN channel IS NULL OR channel NOT IN ('web', 'app', 'store') THEN 'unknown_channel'
        WHEN loyalty_id IS NULL OR trim(loyalty_id) = '' THEN 'missing_loyalty_id'
        WHEN points IS NULL OR points <= 0 THEN 'nonpositive_points'
      END AS reason
    FROM typed
  ),
  ranked AS (
    SELECT
      checked.*,
      row_number() OVER (PARTITION BY row_key ORDER BY CASE WHEN reason IS NULL THEN 0 ELSE 1 END, received_at) AS arrival
    FROM checked
  )
  SELECT * FROM ranked WHERE arrival = 1 AND reason IS NOT NULL
) AS s
ON t.source_table = 'loyalty_redemptions' AND t.row_key = s.row_key
WHEN NOT MATCHED THEN INSERT (source_table, row_key, event_id, event_type, reason, raw_payload, event_ts, received_at)
  VALUES ('loyalty_redemptions', s.row_key, s.event_id, 'redemption', s.reason, concat_ws('|', coalesce(s.event_id, ''), coalesce(s.loyalty_id, ''), coalesce(s.order_event_id, ''),
      coalesce(s.channel, ''), coalesce(CAST(s.points AS varchar), ''), coalesce(s.event_time, '')), coalesce(s.event_ts, s.received_at), s.received_at);
