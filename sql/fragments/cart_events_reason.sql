    -- Why a bronze cart event is refused, or NULL when it is valid: the one validity rule of merge/cart_events.sql,
    -- read by its three statements so a row is kept or refused alike in cart_events, order_events and quarantine.
    -- latest_event_ts is received_at plus fragments/max_clock_skew.sql, computed by each statement's typed CTE.
    CASE
      WHEN received_at IS NULL THEN 'missing_received_at'
      WHEN event_id IS NULL OR trim(event_id) = '' THEN 'missing_event_id'
      WHEN event_ts IS NULL THEN 'unparseable_timestamp'
      WHEN event_ts > latest_event_ts THEN 'future_event_time'
      WHEN channel IS NULL OR channel NOT IN ('web', 'app') THEN 'unknown_channel'
      WHEN event_type IS NULL OR event_type NOT IN ('browse', 'add_to_cart', 'remove_from_cart', 'checkout', 'purchase') THEN 'unknown_event_type'
      WHEN session_id IS NULL OR trim(session_id) = '' THEN 'missing_session_id'
      WHEN event_type = 'purchase' AND revenue IS NULL THEN 'missing_revenue'
      WHEN revenue < 0 THEN 'negative_revenue'
      WHEN event_ts < TIMESTAMP '{{window_start}}' - INTERVAL '3' DAY THEN 'older_than_merge_horizon'
    END
