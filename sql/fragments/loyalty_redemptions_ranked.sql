  -- Included by both statements of merge/loyalty_redemptions.sql, the silver MERGE and the quarantine MERGE: both read these
  -- checked and ranked rows, so a row is valid or refused by one rule, and the first-ranked copy of each row_key
  -- goes to exactly one of the two tables.
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
        WHEN event_ts < TIMESTAMP '{{window_start}}' - INTERVAL '3' DAY THEN 'older_than_merge_horizon'
      END AS reason
    FROM typed
  ),
  ranked AS (
    SELECT
      checked.*,
      row_number() OVER (PARTITION BY row_key ORDER BY CASE WHEN reason IS NULL THEN 0 ELSE 1 END, received_at) AS arrival
    FROM checked
  )
