    -- Why a bronze POS line is refused, or NULL when it is valid: the one validity rule of merge/pos_transactions.sql,
    -- read by both its statements. A blank store_id is any run of whitespace (Trino's trim() strips every whitespace
    -- character, DuckDB's only spaces, so the test is a regex both engines read alike). latest_event_ts is received_at
    -- plus fragments/max_clock_skew.sql, computed by each statement's typed CTE.
    CASE
      WHEN received_at IS NULL THEN 'missing_received_at'
      WHEN event_id IS NULL OR trim(event_id) = '' THEN 'missing_event_id'
      WHEN event_ts IS NULL THEN 'unparseable_timestamp'
      WHEN event_ts > latest_event_ts THEN 'future_event_time'
      WHEN store_id IS NULL THEN 'missing_store_id'
      WHEN regexp_like(store_id, '^[ \t\n\r\f\x0B]*$') THEN 'blank_store_id'
      WHEN revenue IS NULL THEN 'missing_revenue'
      WHEN revenue < 0 THEN 'negative_revenue'
      WHEN event_ts < TIMESTAMP '{{window_start}}' - INTERVAL '3' DAY THEN 'older_than_merge_horizon'
    END
