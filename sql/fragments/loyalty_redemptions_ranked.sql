  -- Included by both statements of merge/loyalty_redemptions.sql, the silver MERGE and the quarantine MERGE: both read these
  -- checked and ranked rows, so a row is valid or refused by one rule, and the first-ranked copy of each row_key
  -- goes to exactly one of the two tables. The including statement defines typed: the window's bronze rows with
  -- event_ts parsed, latest_event_ts (received_at plus fragments/max_clock_skew.sql) and their row_key (fragments/loyalty_redemptions_key.sql, which reconciliation counts too).
  checked AS (
    SELECT
      typed.*,
      CASE
        WHEN received_at IS NULL THEN 'missing_received_at'
        WHEN event_id IS NULL OR trim(event_id) = '' THEN 'missing_event_id'
        WHEN event_ts IS NULL THEN 'unparseable_timestamp'
        WHEN event_ts > latest_event_ts THEN 'future_event_time'
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
      -- Copies tied on arrival (a batch run stamps one received_at) are ordered by their fields, so every statement of
      -- the merge ranks the same copy first (a window function's order among ties is not fixed across queries).
      row_number() OVER (PARTITION BY row_key ORDER BY CASE WHEN reason IS NULL THEN 0 ELSE 1 END, received_at,
        event_time, loyalty_id, order_event_id, channel, points, event_id) AS arrival
    FROM checked
  )
