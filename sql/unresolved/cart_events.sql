-- Run by the merge function in a product's hourly identity run (functions/merge.ts, the run whose window holds the top
-- of the hour), after its merge statements, over the arrivals since the record's mark (sql/reresolve/record_mark.sql:
-- where the last identity run that succeeded stopped; at least the merge lookback plus two hours, at most the 3-day
-- merge horizon, one day per statement), and in every window of a replay (a backfill, an operator's re-merge); the
-- local lakehouse runs it after every window. Kept out of sql/merge/ so the 5-minute runs do not pay one more Athena
-- statement each.
-- The rows the merges kept in silver with no loyalty_id but an email_hash (fragments/email_hash.sql): what
-- sql/reresolve/ re-resolves when the bridge learns the link later. Only rows with no scan and an email are parsed (a
-- cheap filter first), and only the copy silver kept, whole: the one the key index names by arrival and, for copies
-- tied on that arrival, by payload digest. Whether the merge resolved it is read from silver itself (loyalty_id NULL in
-- the merge horizon), so the rule is not evaluated again. A re-read window adds nothing; a row re-resolved since is no
-- longer NULL in silver and is not recorded again.
MERGE INTO retail_silver.unresolved_identities AS t
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
      AND b.loyalty_id IS NULL AND b.email IS NOT NULL
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
  -- The valid copies with the kept copy's arrival (the key index's received_at). Copies tied on that arrival are told
  -- apart by the index's payload digest, the copy the merge kept whole; only tied keys are digested (a small share).
  indexed AS (
    SELECT c.*, k.payload_digest AS kept_digest
    FROM checked AS c
    JOIN retail_silver.event_keys AS k ON k.source_table = 'cart_events' AND k.event_id = c.row_key AND k.received_at = c.received_at
    WHERE c.reason IS NULL
  ),
  tied AS (
    SELECT row_key FROM indexed GROUP BY row_key HAVING count(*) > 1
  ),
  first_valid AS (
    SELECT row_key, loyalty_id, email, event_ts, received_at FROM indexed WHERE row_key NOT IN (SELECT row_key FROM tied)
    UNION ALL
    -- Identical copies share one digest, email and event time included: DISTINCT keeps one.
    SELECT DISTINCT row_key, loyalty_id, email, event_ts, received_at
    FROM (
      SELECT indexed.*,
        -- retail:include fragments/cart_events_payload.sql
        AS payload_digest
      FROM indexed
      WHERE row_key IN (SELECT row_key FROM tied)
    ) AS d
    WHERE payload_digest = kept_digest
  ),
  -- retail:include fragments/email_hash.sql
  unresolved AS (
    SELECT event_id FROM retail_silver.cart_events
    WHERE event_ts >= TIMESTAMP '{{window_start}}' - INTERVAL '3' DAY AND loyalty_id IS NULL
  )
  SELECT h.row_key, h.email_hash, h.event_ts, h.received_at
  FROM hashed AS h
  WHERE h.email_hash IS NOT NULL AND h.row_key IN (SELECT event_id FROM unresolved)
) AS s
ON t.source_table = 'cart_events' AND t.event_id = s.row_key
WHEN NOT MATCHED THEN INSERT (source_table, event_id, email_hash, event_ts, first_seen)
  VALUES ('cart_events', s.row_key, s.email_hash, s.event_ts, s.received_at);
