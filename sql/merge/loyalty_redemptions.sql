-- Bronze loyalty redemptions of one received_at window into retail_silver.loyalty_redemptions and
-- retail_silver.quarantine. Same rules as merge/cart_events.sql: idempotent inserts, dedupe on row_key keeping the
-- earliest valid arrival, refused rows kept with their reason, silver matched only within the 3-day merge horizon,
-- a known key never inserted twice (retail_silver.event_keys), and a valid copy whose payload digest
-- (sql/fragments/loyalty_redemptions_payload.sql) differs from the kept one quarantined as conflicting_duplicate.
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
  -- A key an earlier window kept (retail_silver.event_keys) is never inserted again, whatever its event time.
  SELECT * FROM ranked
  WHERE arrival = 1 AND reason IS NULL
    AND row_key NOT IN (SELECT event_id FROM retail_silver.event_keys WHERE source_table = 'loyalty_redemptions')
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
  ,
  -- Conflicting duplicates, as in merge/cart_events.sql: valid copies whose payload digest differs from the kept
  -- copy's (the indexed one, else the window's first-ranked), each distinct payload once.
  known AS (
    SELECT event_id AS row_key, payload_digest FROM retail_silver.event_keys
    WHERE source_table = 'loyalty_redemptions' AND event_id IN (SELECT row_key FROM ranked WHERE reason IS NULL)
  ),
  copies AS (
    SELECT ranked.*,
      -- retail:include fragments/loyalty_redemptions_payload.sql
      AS payload_digest
    FROM ranked
    WHERE reason IS NULL
      AND (row_key IN (SELECT row_key FROM ranked WHERE reason IS NULL AND arrival > 1) OR row_key IN (SELECT row_key FROM known))
  ),
  kept AS (
    SELECT c.row_key, coalesce(min(k.payload_digest), min(CASE WHEN c.arrival = 1 THEN c.payload_digest END)) AS payload_digest
    FROM copies AS c
    LEFT JOIN known AS k ON k.row_key = c.row_key
    GROUP BY c.row_key
  ),
  conflicts AS (
    SELECT
      lower(to_hex(sha256(to_utf8(concat_ws('|', 'conflicting_duplicate', to_hex(to_utf8(c.row_key)), c.payload_digest))))) AS row_key,
      c.row_key AS event_id, 'conflicting_duplicate' AS reason, c.loyalty_id, c.order_event_id, c.channel, c.points,
      min(c.event_time) AS event_time, c.event_ts, min(c.received_at) AS received_at
    FROM copies AS c
    JOIN kept ON kept.row_key = c.row_key
    WHERE c.payload_digest <> kept.payload_digest
    GROUP BY c.row_key, c.payload_digest, c.loyalty_id, c.order_event_id, c.channel, c.points, c.event_ts
  )
  SELECT row_key, event_id, reason, loyalty_id, order_event_id, channel, points, event_time, event_ts, received_at
  FROM ranked WHERE arrival = 1 AND reason IS NOT NULL
  UNION ALL
  SELECT row_key, event_id, reason, loyalty_id, order_event_id, channel, points, event_time, event_ts, received_at
  FROM conflicts
) AS s
ON t.source_table = 'loyalty_redemptions' AND t.row_key = s.row_key
WHEN NOT MATCHED THEN INSERT (source_table, row_key, event_id, event_type, reason, raw_payload, event_ts, received_at)
  VALUES ('loyalty_redemptions', s.row_key, s.event_id, 'redemption', s.reason, concat_ws('|', coalesce(s.event_id, ''), coalesce(s.loyalty_id, ''), coalesce(s.order_event_id, ''),
      coalesce(s.channel, ''), coalesce(CAST(s.points AS varchar), ''), coalesce(s.event_time, '')), CASE WHEN s.reason = 'future_event_time' THEN s.received_at ELSE coalesce(s.event_ts, s.received_at) END,
    s.received_at);

-- The key index, as in merge/cart_events.sql: every redemption key this window kept, with its event day, payload
-- digest and arrival.
MERGE INTO retail_silver.event_keys AS t
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
  SELECT row_key, CAST(event_ts AS date) AS event_day,
    -- retail:include fragments/loyalty_redemptions_payload.sql
    AS payload_digest,
    received_at
  FROM ranked WHERE arrival = 1 AND reason IS NULL
) AS s
ON t.source_table = 'loyalty_redemptions' AND t.event_id = s.row_key
WHEN NOT MATCHED THEN INSERT (source_table, event_id, event_day, payload_digest, received_at)
  VALUES ('loyalty_redemptions', s.row_key, s.event_day, s.payload_digest, s.received_at);

-- The duplicates record, as in merge/cart_events.sql: every bronze redemption of the window that is neither the
-- silver row of its key (the copy the key index names: same payload digest and arrival) nor the quarantine row it
-- was recorded as (its key's row, or its conflict's), each naming the row it duplicates.
MERGE INTO retail_silver.duplicates AS t
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
    WHERE (b.received_at >= TIMESTAMP '{{window_start}}' AND b.received_at < TIMESTAMP '{{window_end}}') OR b.received_at IS NULL
  ),
  -- retail:include fragments/loyalty_redemptions_ranked.sql
  ,
  repeated AS (
    SELECT row_key FROM checked GROUP BY row_key HAVING count(*) > 1
  ),
  candidates AS (
    SELECT c.*, k.payload_digest AS kept_digest, k.received_at AS kept_received_at,
      -- retail:include fragments/loyalty_redemptions_payload.sql
      AS payload_digest
    FROM checked AS c
    LEFT JOIN retail_silver.event_keys AS k ON k.source_table = 'loyalty_redemptions' AND k.event_id = c.row_key
    WHERE c.reason IS NOT NULL OR k.received_at IS DISTINCT FROM c.received_at OR c.row_key IN (SELECT row_key FROM repeated)
  ),
  homed AS (
    SELECT c.*,
      coalesce(c.reason IS NULL AND c.payload_digest = c.kept_digest, false) AS silver_home,
      CASE
        WHEN c.reason IS NOT NULL OR c.payload_digest = c.kept_digest THEN c.row_key
        ELSE lower(to_hex(sha256(to_utf8(concat_ws('|', 'conflicting_duplicate', to_hex(to_utf8(c.row_key)), c.payload_digest)))))
      END AS home_key,
      lower(to_hex(sha256(to_utf8(concat_ws('|', 'copy', to_hex(to_utf8(c.row_key)), c.payload_digest, coalesce(to_hex(to_utf8(c.event_id)), '-'),
        coalesce(to_hex(to_utf8(c.event_time)), '-'), coalesce(to_hex(to_utf8(CAST(c.received_at AS varchar))), '-')))))) AS copy_digest
    FROM candidates AS c
  ),
  placed AS (
    SELECT h.*, q.received_at AS quarantined_received_at, q.row_key IS NOT NULL AS in_quarantine,
      -- A refused copy of a key silver kept (and did not quarantine) duplicates the silver row.
      CASE WHEN h.silver_home OR (h.reason IS NOT NULL AND q.row_key IS NULL AND h.kept_digest IS NOT NULL) THEN 'silver'
           ELSE 'quarantine' END AS home_table
    FROM homed AS h
    -- A plain equi-join (a non-equality term here made DuckDB loop over every pair): q is read only for rows whose home
    -- is not silver.
    LEFT JOIN retail_silver.quarantine AS q ON q.source_table = 'loyalty_redemptions' AND q.row_key = h.home_key
  ),
  homes AS (
    SELECT placed.*,
      row_number() OVER (PARTITION BY home_table, home_key, received_at ORDER BY CASE WHEN silver_home THEN 0 ELSE 1 END, copy_digest) AS home_rank,
      row_number() OVER (PARTITION BY copy_digest ORDER BY copy_digest) AS copy_rank
    FROM placed
  )
  SELECT
    concat_ws('|', copy_digest, CAST(copy_rank AS varchar)) AS copy_key,
    home_key AS duplicate_of,
    home_table AS duplicate_of_table,
    CASE WHEN reason = 'future_event_time' THEN received_at ELSE coalesce(event_ts, received_at) END AS event_ts,
    received_at
  FROM homes
  WHERE NOT (
    home_rank = 1 AND (
      (silver_home AND received_at = kept_received_at)
      OR (NOT silver_home AND in_quarantine AND received_at IS NOT DISTINCT FROM quarantined_received_at)))
) AS s
ON t.source_table = 'loyalty_redemptions' AND t.copy_key = s.copy_key
WHEN NOT MATCHED THEN INSERT (source_table, copy_key, duplicate_of, duplicate_of_table, event_ts, received_at)
  VALUES ('loyalty_redemptions', s.copy_key, s.duplicate_of, s.duplicate_of_table, s.event_ts, s.received_at);
