-- Bronze cart/browse events of one received_at window into retail_silver.cart_events (every valid event),
-- retail_silver.order_events (valid purchases) and retail_silver.quarantine (refused rows, with the reason).
-- Idempotent: each statement inserts only keys its target does not hold yet, so a re-run changes nothing.
-- Source scope: order_events also holds POS lines, whose ids come from another system, so a web purchase matches
-- only web and app rows there (channel IN ('web', 'app')); the same id from a POS is another event.
-- Dedupe: rows sharing a row_key (the trimmed event_id, or a hash of the raw row when event_id is missing) collapse
-- to the earliest valid arrival; a re-send arriving in a later window matches the earlier copy already in the target,
-- because silver is matched and written on that same row_key (a re-send with a padded id is the same event).
-- Validity is one rule (sql/fragments/cart_events_reason.sql) read by all three statements. A valid copy of a key
-- whose payload differs from the kept (earliest) one is quarantined as conflicting_duplicate, once per payload.
-- Horizon: silver is matched only from 3 days before the window's start (t.event_ts >= window_start - 3 days), so a
-- merge reads the recent event-day partitions of silver, not its whole history every few minutes. An event whose own
-- time is older than that goes to quarantine as older_than_merge_horizon instead of risking a second insert; the
-- 3 days are the arrival window reconciliation counts (sql/reconcile/), and a backfill window reaches further back.
-- loyalty_id is resolved here by sql/fragments/resolve_loyalty.sql (shared with merge/pos_transactions.sql): the
-- loyalty scan first, else the salted email_hash when exactly one loyalty_id carries it in identity_bridge.
-- Cost (measured on DuckDB at 1M-50M rows, and the same shape is cheap on Trino): each statement parses and
-- validates the window once; dedupe counts rows per row_key (a count-only GROUP BY) and runs min_by over a typed
-- ROW only for the few keys that arrived more than once; every other row passes through an anti-join. At 10M
-- events the min_by over every key cost 16 s of CPU in the aggregate against 4 s for this shape; eleven per-column
-- min_by states were worse still, and row_number() over every row is a sort. try() wraps only the timestamp parse, because a failing row inside try()
-- makes DuckDB re-run the whole expression row by row. The order_events statement reads only the window's purchase
-- rows, and only keys the cart_events statement (run just before it) kept as a purchase. The quarantine statement groups only the refused rows
-- and drops keys that also arrived valid in the window (a semi-join on those few keys), instead of grouping every
-- row of the window (2.5x faster at 10M events).
MERGE INTO retail_silver.cart_events AS t
USING (
  WITH typed AS (
    SELECT
      b.*,
      CAST(try(from_iso8601_timestamp(b.event_time)) AT TIME ZONE 'UTC' AS timestamp) AS event_ts,
      b.received_at +
      -- retail:include fragments/max_clock_skew.sql
      AS latest_event_ts
    FROM retail_bronze.cart_events AS b
    WHERE b.received_at >= TIMESTAMP '{{window_start}}' AND b.received_at < TIMESTAMP '{{window_end}}'
  ),
  checked AS (
    SELECT
      typed.*,
      -- retail:include fragments/cart_events_key.sql
      AS row_key,
      -- retail:include fragments/cart_events_reason.sql
      AS reason
    FROM typed
  ),
  -- A key an earlier window kept (retail_silver.event_keys) is never inserted again, whatever its event time.
  valid AS (
    SELECT * FROM checked
    WHERE reason IS NULL AND row_key NOT IN (SELECT event_id FROM retail_silver.event_keys WHERE source_table = 'cart_events')
  ),
  -- Keys that arrived more than once in the window (re-sends, late copies): a small share. Only those go through
  -- min_by (one over a typed row, not one per column); every other row passes straight through an anti-join.
  repeated AS (
    SELECT row_key FROM valid GROUP BY row_key HAVING count(*) > 1
  ),
  first_valid AS (
    SELECT v.row_key, v.event_id, v.event_type, v.session_id, v.channel, v.loyalty_id, v.email, v.region, v.sku, v.quantity, v.revenue, v.event_ts
    FROM valid AS v
    LEFT JOIN repeated AS r ON r.row_key = v.row_key
    WHERE r.row_key IS NULL
    UNION ALL
    SELECT row_key, v.event_id, v.event_type, v.session_id, v.channel, v.loyalty_id, v.email, v.region, v.sku, v.quantity, v.revenue, v.event_ts
    FROM (
      SELECT row_key,
        min_by(CAST(ROW(event_id, event_type, session_id, channel, loyalty_id, email, region, sku, quantity, revenue, event_ts)
          AS ROW(event_id varchar, event_type varchar, session_id varchar, channel varchar, loyalty_id varchar, email varchar,
            region varchar, sku varchar, quantity integer, revenue decimal(12, 2), event_ts timestamp)),
          -- The earliest arrival, then the lowest payload digest: copies tied on arrival keep one copy, whole, the one
          -- every other statement keeps (the key index, quarantine's conflicts, sql/unresolved/).
          ROW(received_at, payload_digest)) AS v
      FROM (
        SELECT valid.*,
          -- retail:include fragments/cart_events_payload.sql
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
ON t.event_id = s.row_key AND t.event_ts >= TIMESTAMP '{{window_start}}' - INTERVAL '3' DAY
WHEN NOT MATCHED THEN INSERT (event_id, event_type, session_id, channel, loyalty_id, region, sku, quantity, revenue, event_ts)
  VALUES (s.row_key, s.event_type, s.session_id, s.channel, s.resolved_loyalty_id, s.region, s.sku, s.quantity, s.revenue, s.event_ts);

MERGE INTO retail_silver.order_events AS t
USING (
  WITH typed AS (
    SELECT
      b.*,
      CAST(try(from_iso8601_timestamp(b.event_time)) AT TIME ZONE 'UTC' AS timestamp) AS event_ts,
      b.received_at +
      -- retail:include fragments/max_clock_skew.sql
      AS latest_event_ts
    FROM retail_bronze.cart_events AS b
    WHERE b.received_at >= TIMESTAMP '{{window_start}}' AND b.received_at < TIMESTAMP '{{window_end}}'
      AND b.event_type = 'purchase'
  ),
  checked AS (
    SELECT
      typed.*,
      -- retail:include fragments/cart_events_key.sql
      AS row_key,
      -- retail:include fragments/cart_events_reason.sql
      AS reason
    FROM typed
  ),
  valid AS (
    SELECT checked.*,
      -- retail:include fragments/cart_events_payload.sql
      AS payload_digest
    FROM checked WHERE reason IS NULL
  ),
  first_valid AS (
    SELECT row_key, v.event_id, v.channel, v.loyalty_id, v.email, v.sku, v.revenue, v.event_ts
    FROM (
      SELECT row_key,
        min_by(CAST(ROW(event_id, channel, loyalty_id, email, sku, revenue, event_ts)
          AS ROW(event_id varchar, channel varchar, loyalty_id varchar, email varchar, sku varchar, revenue decimal(12, 2),
            event_ts timestamp)), ROW(received_at, payload_digest)) AS v
      FROM valid
      -- Only keys the statement above kept as a purchase: an id first sent as a browse stays a browse, and its
      -- later purchase copy is a conflicting duplicate in quarantine, not an order.
      WHERE row_key IN (
        SELECT event_id FROM retail_silver.cart_events
        WHERE event_type = 'purchase' AND event_ts >= TIMESTAMP '{{window_start}}' - INTERVAL '3' DAY)
      GROUP BY row_key
    ) AS d
  ),
  -- retail:include fragments/email_hash.sql
  -- retail:include fragments/resolving_emails.sql
  -- retail:include fragments/resolve_loyalty.sql
) AS s
ON t.event_id = s.row_key AND t.channel IN ('web', 'app') AND t.event_ts >= TIMESTAMP '{{window_start}}' - INTERVAL '3' DAY
WHEN NOT MATCHED THEN INSERT (event_id, channel, loyalty_id, sku, event_ts, revenue)
  VALUES (s.row_key, s.channel, s.resolved_loyalty_id, s.sku, s.event_ts, s.revenue);

MERGE INTO retail_silver.quarantine AS t
USING (
  WITH typed AS (
    SELECT
      b.*,
      CAST(try(from_iso8601_timestamp(b.event_time)) AT TIME ZONE 'UTC' AS timestamp) AS event_ts,
      b.received_at +
      -- retail:include fragments/max_clock_skew.sql
      AS latest_event_ts
    FROM retail_bronze.cart_events AS b
    -- A row with no arrival time (NULL received_at) belongs to no window: every quarantine statement reads it
    -- (the NULL partition, pruned to nothing when empty) so it is refused as missing_received_at, never skipped.
    WHERE (b.received_at >= TIMESTAMP '{{window_start}}' AND b.received_at < TIMESTAMP '{{window_end}}') OR b.received_at IS NULL
  ),
  checked AS (
    SELECT
      typed.*,
      -- retail:include fragments/cart_events_key.sql
      AS row_key,
      -- retail:include fragments/cart_events_reason.sql
      AS reason
    FROM typed
  ),
  valid AS (
    SELECT * FROM checked WHERE reason IS NULL
  ),
  -- The earliest refused arrival of each refused row_key (a small share), then only those keys with no valid copy in
  -- the window (a semi-join on those few keys), instead of grouping every row of the window.
  refused AS (
    SELECT row_key, r.event_id, r.event_type, r.reason, r.session_id, r.channel, r.loyalty_id, r.region, r.sku, r.quantity,
      r.revenue, r.event_time, r.event_ts, received_at
    FROM (
      SELECT row_key,
        min_by(CAST(ROW(event_id, event_type, reason, session_id, channel, loyalty_id, region, sku, quantity, revenue, event_time, event_ts)
          AS ROW(event_id varchar, event_type varchar, reason varchar, session_id varchar, channel varchar, loyalty_id varchar,
            region varchar, sku varchar, quantity integer, revenue decimal(12, 2), event_time varchar, event_ts timestamp)),
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
  -- Conflicting duplicates: valid copies of a key whose payload digest (sql/fragments/cart_events_payload.sql)
  -- differs from the kept copy's: the one an earlier window kept (retail_silver.event_keys), else the window's
  -- earliest arrival. Each distinct payload is kept once, under a digest of key and payload, with the event's key
  -- as its event_id. Only keys that arrived twice in the window or are already indexed are compared.
  repeated AS (
    SELECT row_key FROM valid GROUP BY row_key HAVING count(*) > 1
  ),
  known AS (
    SELECT event_id AS row_key, payload_digest FROM retail_silver.event_keys
    WHERE source_table = 'cart_events' AND event_id IN (SELECT row_key FROM valid)
  ),
  copies AS (
    SELECT valid.*,
      -- retail:include fragments/cart_events_payload.sql
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
      c.row_key AS event_id, c.event_type, 'conflicting_duplicate' AS reason, c.session_id, c.channel, c.loyalty_id, c.region, c.sku,
      c.quantity, c.revenue, min(c.event_time) AS event_time, c.event_ts, min(c.received_at) AS received_at
    FROM copies AS c
    JOIN kept ON kept.row_key = c.row_key
    WHERE c.payload_digest <> kept.payload_digest
    GROUP BY c.row_key, c.payload_digest, c.event_type, c.session_id, c.channel, c.loyalty_id, c.region, c.sku, c.quantity, c.revenue, c.event_ts
  )
  SELECT refused.* FROM refused
  WHERE refused.row_key NOT IN (SELECT row_key FROM valid_copies)
  UNION ALL
  SELECT row_key, event_id, event_type, reason, session_id, channel, loyalty_id, region, sku, quantity, revenue, event_time, event_ts, received_at
  FROM conflicts
) AS s
ON t.source_table = 'cart_events' AND t.row_key = s.row_key
WHEN NOT MATCHED THEN INSERT (source_table, row_key, event_id, event_type, reason, raw_payload, event_ts, received_at)
  VALUES ('cart_events', s.row_key, s.event_id, s.event_type, s.reason, concat_ws('|', coalesce(s.event_id, ''), coalesce(s.event_type, ''), coalesce(s.session_id, ''),
      coalesce(s.channel, ''), coalesce(s.loyalty_id, ''), coalesce(s.region, ''), coalesce(s.sku, ''),
      coalesce(CAST(s.quantity AS varchar), ''), coalesce(CAST(s.revenue AS varchar), ''),
      coalesce(s.event_time, '')), CASE WHEN s.reason = 'future_event_time' THEN s.received_at ELSE coalesce(s.event_ts, s.received_at) END,
    s.received_at);

-- The key index: every key this window kept, with the kept copy's event day, payload digest and arrival (the
-- earliest valid copy, as the cart_events statement keeps it). After the statements above, so they see only earlier
-- windows' keys; before the duplicates statement, which needs this window's too.
MERGE INTO retail_silver.event_keys AS t
USING (
  WITH typed AS (
    SELECT
      b.*,
      CAST(try(from_iso8601_timestamp(b.event_time)) AT TIME ZONE 'UTC' AS timestamp) AS event_ts,
      b.received_at +
      -- retail:include fragments/max_clock_skew.sql
      AS latest_event_ts
    FROM retail_bronze.cart_events AS b
    WHERE b.received_at >= TIMESTAMP '{{window_start}}' AND b.received_at < TIMESTAMP '{{window_end}}'
  ),
  checked AS (
    SELECT
      typed.*,
      -- retail:include fragments/cart_events_key.sql
      AS row_key,
      -- retail:include fragments/cart_events_reason.sql
      AS reason
    FROM typed
  ),
  -- Only the columns the index stores: the window's valid rows are read twice below (singles and repeated keys).
  valid AS (
    SELECT row_key, event_ts, received_at,
      -- retail:include fragments/cart_events_payload.sql
      AS payload_digest
    FROM checked
    WHERE reason IS NULL
  ),
  -- As in the cart_events statement: only keys that arrived more than once go through min_by; the rest pass through.
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
ON t.source_table = 'cart_events' AND t.event_id = s.row_key
WHEN NOT MATCHED THEN INSERT (source_table, event_id, event_day, payload_digest, received_at)
  VALUES ('cart_events', s.row_key, s.event_day, s.payload_digest, s.received_at);

-- The duplicates record: every bronze row of the window that is neither the silver row of its key (the copy the
-- key index names: same payload digest and arrival) nor the quarantine row it was recorded as (its key's row, or
-- its conflict's, with the same arrival), each naming the row it duplicates. A refused copy of a key kept in silver
-- duplicates the silver row. Runs after the index and quarantine statements; a re-run records nothing new.
MERGE INTO retail_silver.duplicates AS t
USING (
  WITH typed AS (
    SELECT
      b.*,
      CAST(try(from_iso8601_timestamp(b.event_time)) AT TIME ZONE 'UTC' AS timestamp) AS event_ts,
      b.received_at +
      -- retail:include fragments/max_clock_skew.sql
      AS latest_event_ts
    FROM retail_bronze.cart_events AS b
    WHERE (b.received_at >= TIMESTAMP '{{window_start}}' AND b.received_at < TIMESTAMP '{{window_end}}') OR b.received_at IS NULL
  ),
  checked AS (
    SELECT
      typed.*,
      -- retail:include fragments/cart_events_key.sql
      AS row_key,
      -- retail:include fragments/cart_events_reason.sql
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
    WHERE source_table = 'cart_events' AND event_id IN (SELECT row_key FROM checked)
  ),
  candidates AS (
    SELECT c.*, k.payload_digest AS kept_digest, k.received_at AS kept_received_at
    FROM checked AS c
    LEFT JOIN indexed AS k ON k.event_id = c.row_key
    WHERE c.reason IS NOT NULL OR k.received_at IS DISTINCT FROM c.received_at OR c.row_key IN (SELECT row_key FROM repeated)
  ),
  digested AS (
    SELECT candidates.*,
      -- retail:include fragments/cart_events_payload.sql
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
    LEFT JOIN retail_silver.quarantine AS q ON q.source_table = 'cart_events' AND q.row_key = h.home_key
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
ON t.source_table = 'cart_events' AND t.copy_key = s.copy_key
WHEN NOT MATCHED THEN INSERT (source_table, copy_key, duplicate_of, duplicate_of_table, event_ts, received_at)
  VALUES ('cart_events', s.copy_key, s.duplicate_of, s.duplicate_of_table, s.event_ts, s.received_at);

-- Freshness canaries (core/canary.ts, event_id 'canary-...') of this window that are now in retail_silver.cart_events, with
-- the time they got there: this statement runs after the ones above committed, so its clock is when the canary became
-- readable through the gold views. A canary already recorded keeps its first time; a re-read window adds nothing.
MERGE INTO retail_silver.canary_arrivals AS t
USING (
  SELECT 'cart_events' AS product, s.event_id, s.event_ts AS sent_at
  FROM retail_silver.cart_events AS s
  WHERE s.event_ts >= TIMESTAMP '{{window_start}}' - INTERVAL '3' DAY
    AND s.event_id IN (
      SELECT trim(b.event_id) FROM retail_bronze.cart_events AS b
      WHERE b.received_at >= TIMESTAMP '{{window_start}}' AND b.received_at < TIMESTAMP '{{window_end}}'
        AND starts_with(b.event_id, 'canary-'))
) AS s
ON t.product = s.product AND t.event_id = s.event_id
WHEN NOT MATCHED THEN INSERT (product, event_id, sent_at, silver_at)
  VALUES (s.product, s.event_id, s.sent_at, CAST(current_timestamp AT TIME ZONE 'UTC' AS timestamp));
