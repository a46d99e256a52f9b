-- Bronze POS receipt lines of one received_at window into retail_silver.order_events (channel 'store') and
-- retail_silver.quarantine (refused rows, with the reason). Same rules as merge/cart_events.sql: idempotent
-- inserts, dedupe on row_key (event_id, or a raw-row hash when it is missing) keeping the earliest valid
-- arrival, and loyalty_id from the scan first, else from an unambiguous email_hash.
-- A masked email (the POS writes '*' into it) gets no email_hash, so it can never match anyone.
-- Validity is one rule (sql/fragments/pos_transactions_reason.sql) read by both statements; a valid copy of a key
-- whose payload differs from the kept one is quarantined as conflicting_duplicate, as in merge/cart_events.sql.
-- Every POS line is a purchase; its quarantine rows say so, which order_events reconciliation relies on.
-- Source scope: a POS line matches only store rows of order_events (channel 'store'); a web or app purchase
-- carrying the same id is another event.
-- Silver is matched only within the merge horizon of merge/cart_events.sql (3 days before the window's start).
-- Cost: as in merge/cart_events.sql, one parse per statement, min_by over a typed ROW only for keys that arrived
-- more than once, quarantine grouping only refused rows, try() around the timestamp parse only.
MERGE INTO retail_silver.order_events AS t
USING (
  WITH typed AS (
    SELECT
      b.*,
      CAST(try(from_iso8601_timestamp(b.event_time)) AT TIME ZONE 'UTC' AS timestamp) AS event_ts,
      b.received_at +
      -- retail:include fragments/max_clock_skew.sql
      AS latest_event_ts
    FROM retail_bronze.pos_transactions AS b
    WHERE b.received_at >= TIMESTAMP '{{window_start}}' AND b.received_at < TIMESTAMP '{{window_end}}'
  ),
  checked AS (
    SELECT
      typed.*,
      -- retail:include fragments/pos_transactions_key.sql
      AS row_key,
      -- retail:include fragments/pos_transactions_reason.sql
      AS reason
    FROM typed
  ),
  -- A key an earlier window kept (retail_silver.event_keys) is never inserted again, whatever its event time.
  valid AS (
    SELECT * FROM checked
    WHERE reason IS NULL AND row_key NOT IN (SELECT event_id FROM retail_silver.event_keys WHERE source_table = 'pos_transactions')
  ),
  -- Keys that arrived more than once in the window: only those go through min_by, as in merge/cart_events.sql.
  repeated AS (
    SELECT row_key FROM valid GROUP BY row_key HAVING count(*) > 1
  ),
  first_valid AS (
    SELECT v.row_key, v.event_id, v.loyalty_id, v.email, v.sku, v.revenue, v.event_ts
    FROM valid AS v
    LEFT JOIN repeated AS r ON r.row_key = v.row_key
    WHERE r.row_key IS NULL
    UNION ALL
    SELECT row_key, v.event_id, v.loyalty_id, v.email, v.sku, v.revenue, v.event_ts
    FROM (
      SELECT row_key,
        min_by(CAST(ROW(event_id, loyalty_id, email, sku, revenue, event_ts)
          AS ROW(event_id varchar, loyalty_id varchar, email varchar, sku varchar, revenue decimal(12, 2), event_ts timestamp)),
          -- The earliest arrival, then the lowest payload digest, as in merge/cart_events.sql.
          ROW(received_at, payload_digest)) AS v
      FROM (
        SELECT valid.*,
          -- retail:include fragments/pos_transactions_payload.sql
          AS payload_digest
        FROM valid
        WHERE row_key IN (SELECT row_key FROM repeated)
      ) AS r
      GROUP BY row_key
    ) AS d
  ),
  -- retail:include fragments/email_hash.sql
  -- retail:include fragments/resolving_emails.sql
  -- retail:include fragments/resolve_loyalty.sql
) AS s
ON t.event_id = s.row_key AND t.channel = 'store' AND t.event_ts >= TIMESTAMP '{{window_start}}' - INTERVAL '3' DAY
WHEN NOT MATCHED THEN INSERT (event_id, channel, loyalty_id, sku, event_ts, revenue)
  VALUES (s.row_key, 'store', s.resolved_loyalty_id, s.sku, s.event_ts, s.revenue);

MERGE INTO retail_silver.quarantine AS t
USING (
  WITH typed AS (
    SELECT
      b.*,
      CAST(try(from_iso8601_timestamp(b.event_time)) AT TIME ZONE 'UTC' AS timestamp) AS event_ts,
      b.received_at +
      -- retail:include fragments/max_clock_skew.sql
      AS latest_event_ts
    FROM retail_bronze.pos_transactions AS b
    -- A row with no arrival time (NULL received_at) belongs to no window: every quarantine statement reads it
    -- (the NULL partition, pruned to nothing when empty) so it is refused as missing_received_at, never skipped.
    WHERE (b.received_at >= TIMESTAMP '{{window_start}}' AND b.received_at < TIMESTAMP '{{window_end}}') OR b.received_at IS NULL
  ),
  checked AS (
    SELECT
      typed.*,
      -- retail:include fragments/pos_transactions_key.sql
      AS row_key,
      -- retail:include fragments/pos_transactions_reason.sql
      AS reason
    FROM typed
  ),
  valid AS (
    SELECT * FROM checked WHERE reason IS NULL
  ),
  -- As in merge/cart_events.sql: group only the refused rows, then drop keys that also arrived valid in the window.
  refused AS (
    SELECT row_key, r.event_id, r.receipt_id, r.reason, r.store_id, r.region, r.loyalty_id, r.sku, r.quantity, r.revenue,
      r.event_time, r.event_ts, received_at
    FROM (
      SELECT row_key,
        min_by(CAST(ROW(event_id, receipt_id, reason, store_id, region, loyalty_id, sku, quantity, revenue, event_time, event_ts)
          AS ROW(event_id varchar, receipt_id varchar, reason varchar, store_id varchar, region varchar, loyalty_id varchar,
            sku varchar, quantity integer, revenue decimal(12, 2), event_time varchar, event_ts timestamp)),
          -- min_by skips a NULL ordering value: a row with no arrival orders last instead of vanishing.
          coalesce(received_at, TIMESTAMP '9999-12-31 23:59:59')) AS r,
        min(received_at) AS received_at
      FROM checked
      WHERE reason IS NOT NULL
      GROUP BY row_key
    ) AS d
  ),
  valid_copies AS (
    SELECT DISTINCT row_key FROM valid WHERE row_key IN (SELECT row_key FROM refused)
  ),
  -- Conflicting duplicates, as in merge/cart_events.sql: valid copies of a key whose payload digest
  -- (sql/fragments/pos_transactions_payload.sql) differs from the kept copy's, the indexed one or else the window's
  -- earliest, each distinct payload once under a digest of key and payload, with the key as its event_id.
  repeated AS (
    SELECT row_key FROM valid GROUP BY row_key HAVING count(*) > 1
  ),
  known AS (
    SELECT event_id AS row_key, payload_digest FROM retail_silver.event_keys
    WHERE source_table = 'pos_transactions' AND event_id IN (SELECT row_key FROM valid)
  ),
  copies AS (
    SELECT valid.*,
      -- retail:include fragments/pos_transactions_payload.sql
      AS payload_digest
    FROM valid
    WHERE row_key IN (SELECT row_key FROM repeated) OR row_key IN (SELECT row_key FROM known)
  ),
  kept AS (
    SELECT c.row_key, coalesce(min(k.payload_digest), min_by(c.payload_digest, ROW(c.received_at, c.payload_digest))) AS payload_digest
    FROM copies AS c
    LEFT JOIN known AS k ON k.row_key = c.row_key
    GROUP BY c.row_key
  ),
  conflicts AS (
    SELECT
      lower(to_hex(sha256(to_utf8(concat_ws('|', 'conflicting_duplicate', to_hex(to_utf8(c.row_key)), c.payload_digest))))) AS row_key,
      c.row_key AS event_id, c.receipt_id, 'conflicting_duplicate' AS reason, c.store_id, c.region, c.loyalty_id, c.sku,
      c.quantity, c.revenue, min(c.event_time) AS event_time, c.event_ts, min(c.received_at) AS received_at
    FROM copies AS c
    JOIN kept ON kept.row_key = c.row_key
    WHERE c.payload_digest <> kept.payload_digest
    GROUP BY c.row_key, c.payload_digest, c.receipt_id, c.store_id, c.region, c.loyalty_id, c.sku, c.quantity, c.revenue, c.event_ts
  )
  SELECT refused.* FROM refused
  WHERE refused.row_key NOT IN (SELECT row_key FROM valid_copies)
  UNION ALL
  SELECT row_key, event_id, receipt_id, reason, store_id, region, loyalty_id, sku, quantity, revenue, event_time, event_ts, received_at
  FROM conflicts
) AS s
ON t.source_table = 'pos_transactions' AND t.row_key = s.row_key
WHEN NOT MATCHED THEN INSERT (source_table, row_key, event_id, event_type, reason, raw_payload, event_ts, received_at)
  VALUES ('pos_transactions', s.row_key, s.event_id, 'purchase', s.reason, concat_ws('|', coalesce(s.event_id, ''), coalesce(s.receipt_id, ''), coalesce(s.store_id, ''),
      coalesce(s.region, ''), coalesce(s.loyalty_id, ''), coalesce(s.sku, ''),
      coalesce(CAST(s.quantity AS varchar), ''), coalesce(CAST(s.revenue AS varchar), ''),
      coalesce(s.event_time, '')), CASE WHEN s.reason = 'future_event_time' THEN s.received_at ELSE coalesce(s.event_ts, s.received_at) END,
    s.received_at);

-- The key index, as in merge/cart_events.sql: every POS key this window kept, with the kept copy's event day,
-- payload digest and arrival. After the statements above, so they see only earlier windows' keys; before the
-- duplicates statement, which needs this window's too.
MERGE INTO retail_silver.event_keys AS t
USING (
  WITH typed AS (
    SELECT
      b.*,
      CAST(try(from_iso8601_timestamp(b.event_time)) AT TIME ZONE 'UTC' AS timestamp) AS event_ts,
      b.received_at +
      -- retail:include fragments/max_clock_skew.sql
      AS latest_event_ts
    FROM retail_bronze.pos_transactions AS b
    WHERE b.received_at >= TIMESTAMP '{{window_start}}' AND b.received_at < TIMESTAMP '{{window_end}}'
  ),
  checked AS (
    SELECT
      typed.*,
      -- retail:include fragments/pos_transactions_key.sql
      AS row_key,
      -- retail:include fragments/pos_transactions_reason.sql
      AS reason
    FROM typed
  ),
  -- Only the columns the index stores: the window's valid rows are read twice below (singles and repeated keys).
  valid AS (
    SELECT row_key, event_ts, received_at,
      -- retail:include fragments/pos_transactions_payload.sql
      AS payload_digest
    FROM checked
    WHERE reason IS NULL
  ),
  -- As in merge/cart_events.sql: only keys that arrived more than once go through min_by; the rest pass through.
  repeated AS (
    SELECT row_key FROM valid GROUP BY row_key HAVING count(*) > 1
  )
  SELECT v.row_key, CAST(v.event_ts AS date) AS event_day, v.payload_digest, v.received_at
  FROM valid AS v
  LEFT JOIN repeated AS r ON r.row_key = v.row_key
  WHERE r.row_key IS NULL
  UNION ALL
  SELECT row_key, CAST(k.event_ts AS date) AS event_day, k.payload_digest, received_at
  FROM (
    SELECT row_key,
      min_by(CAST(ROW(event_ts, payload_digest) AS ROW(event_ts timestamp, payload_digest varchar)), ROW(received_at, payload_digest)) AS k,
      min(received_at) AS received_at
    FROM valid
    WHERE row_key IN (SELECT row_key FROM repeated)
    GROUP BY row_key
  ) AS d
) AS s
ON t.source_table = 'pos_transactions' AND t.event_id = s.row_key
WHEN NOT MATCHED THEN INSERT (source_table, event_id, event_day, payload_digest, received_at)
  VALUES ('pos_transactions', s.row_key, s.event_day, s.payload_digest, s.received_at);

-- The duplicates record, as in merge/cart_events.sql: every bronze POS line of the window that is neither the silver
-- row of its key nor the quarantine row it was recorded as, each naming the row it duplicates.
MERGE INTO retail_silver.duplicates AS t
USING (
  WITH typed AS (
    SELECT
      b.*,
      CAST(try(from_iso8601_timestamp(b.event_time)) AT TIME ZONE 'UTC' AS timestamp) AS event_ts,
      b.received_at +
      -- retail:include fragments/max_clock_skew.sql
      AS latest_event_ts
    FROM retail_bronze.pos_transactions AS b
    WHERE (b.received_at >= TIMESTAMP '{{window_start}}' AND b.received_at < TIMESTAMP '{{window_end}}') OR b.received_at IS NULL
  ),
  checked AS (
    SELECT
      typed.*,
      -- retail:include fragments/pos_transactions_key.sql
      AS row_key,
      -- retail:include fragments/pos_transactions_reason.sql
      AS reason
    FROM typed
  ),
  -- Only rows that can be a duplicate are digested: a valid key that arrived once in the window, as the copy the index
  -- names, is its silver row (most rows). The rest are refused rows, keys that arrived twice, and re-sends of keys an
  -- earlier window kept.
  repeated AS (
    SELECT row_key FROM checked GROUP BY row_key HAVING count(*) > 1
  ),
  -- The key index's rows for this window's keys: one read of the index per statement, and only this window's keys
  -- reach the join, so its build side is window-sized (the index itself is unpartitioned: the read is whole).
  indexed AS (
    SELECT event_id, payload_digest, received_at FROM retail_silver.event_keys
    WHERE source_table = 'pos_transactions' AND event_id IN (SELECT row_key FROM checked)
  ),
  candidates AS (
    SELECT c.*, k.payload_digest AS kept_digest, k.received_at AS kept_received_at
    FROM checked AS c
    LEFT JOIN indexed AS k ON k.event_id = c.row_key
    WHERE c.reason IS NOT NULL OR k.received_at IS DISTINCT FROM c.received_at OR c.row_key IN (SELECT row_key FROM repeated)
  ),
  digested AS (
    SELECT candidates.*,
      -- retail:include fragments/pos_transactions_payload.sql
      AS payload_digest
    FROM candidates
  ),
  homed AS (
    SELECT d.*,
      coalesce(d.reason IS NULL AND d.payload_digest = d.kept_digest, false) AS silver_home,
      CASE
        WHEN d.reason IS NOT NULL OR d.payload_digest = d.kept_digest THEN d.row_key
        ELSE lower(to_hex(sha256(to_utf8(concat_ws('|', 'conflicting_duplicate', to_hex(to_utf8(d.row_key)), d.payload_digest)))))
      END AS home_key
    FROM digested AS d
  ),
  placed AS (
    SELECT h.*, q.received_at AS quarantined_received_at, q.row_key IS NOT NULL AS in_quarantine,
      -- A refused copy of a key silver kept (and did not quarantine) duplicates the silver row.
      CASE WHEN h.silver_home OR (h.reason IS NOT NULL AND q.row_key IS NULL AND h.kept_digest IS NOT NULL) THEN 'silver'
           ELSE 'quarantine' END AS home_table,
      lower(to_hex(sha256(to_utf8(concat_ws('|', 'copy', to_hex(to_utf8(h.row_key)), h.payload_digest,
        coalesce(to_hex(to_utf8(h.event_id)), '-'), coalesce(to_hex(to_utf8(h.event_time)), '-'),
        coalesce(to_hex(to_utf8(CAST(h.received_at AS varchar))), '-')))))) AS copy_digest
    FROM homed AS h
    -- A plain equi-join (a non-equality term here made DuckDB loop over every pair): q is read only for rows whose home
    -- is not silver.
    LEFT JOIN retail_silver.quarantine AS q ON q.source_table = 'pos_transactions' AND q.row_key = h.home_key
  ),
  ranked AS (
    SELECT placed.*,
      -- Of the copies that could be a row's own copy (same home, same arrival), one is; identical copies are told
      -- apart by their rank, so each is recorded once.
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
  FROM ranked
  WHERE NOT (
    home_rank = 1 AND (
      (silver_home AND received_at = kept_received_at)
      OR (NOT silver_home AND in_quarantine AND received_at IS NOT DISTINCT FROM quarantined_received_at)))
) AS s
ON t.source_table = 'pos_transactions' AND t.copy_key = s.copy_key
WHEN NOT MATCHED THEN INSERT (source_table, copy_key, duplicate_of, duplicate_of_table, event_ts, received_at)
  VALUES ('pos_transactions', s.copy_key, s.duplicate_of, s.duplicate_of_table, s.event_ts, s.received_at);

-- Freshness canaries (core/canary.ts, event_id 'canary-...') of this window that are now in retail_silver.order_events, with
-- the time they got there: this statement runs after the ones above committed, so its clock is when the canary became
-- readable through the gold views. A canary already recorded keeps its first time; a re-read window adds nothing.
MERGE INTO retail_silver.canary_arrivals AS t
USING (
  SELECT 'pos_transactions' AS product, s.event_id, s.event_ts AS sent_at
  FROM retail_silver.order_events AS s
  WHERE s.event_ts >= TIMESTAMP '{{window_start}}' - INTERVAL '3' DAY AND s.channel = 'store'
    AND s.event_id IN (
      SELECT trim(b.event_id) FROM retail_bronze.pos_transactions AS b
      WHERE b.received_at >= TIMESTAMP '{{window_start}}' AND b.received_at < TIMESTAMP '{{window_end}}'
        AND starts_with(b.event_id, 'canary-'))
) AS s
ON t.product = s.product AND t.event_id = s.event_id
WHEN NOT MATCHED THEN INSERT (product, event_id, sent_at, silver_at)
  VALUES (s.product, s.event_id, s.sent_at, CAST(current_timestamp AT TIME ZONE 'UTC' AS timestamp));
