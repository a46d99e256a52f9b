-- Run by the merge function in a product's hourly identity run (functions/merge.ts, the run whose window holds the top
-- of the hour), after its merge statements, over the arrivals since the record's mark (sql/reresolve/record_mark.sql:
-- where the last identity run that succeeded stopped; at least the merge lookback plus two hours, at most the 3-day
-- merge horizon, one day per statement), and in every window of a replay (a backfill, an operator's re-merge); the
-- local lakehouse runs it after every window. Kept out of sql/merge/ so the 5-minute runs do not pay one more Athena
-- statement each.
-- The rows the merges kept in silver with no loyalty_id but an email_hash (fragments/email_hash.sql): what
-- sql/reresolve/ re-resolves when the bridge learns the link later. Only rows with no scan and an email are parsed (a
-- cheap filter first), and only the copy silver kept, whole: the one the key index names by arrival and payload
-- digest. Whether the merge resolved it is read from silver itself (loyalty_id NULL in the merge horizon), so the
-- rule is not evaluated again. A re-read window adds nothing; a row re-resolved since is no
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
    FROM retail_bronze.pos_transactions AS b
    WHERE b.received_at >= TIMESTAMP '{{window_start}}' AND b.received_at < TIMESTAMP '{{window_end}}'
      AND b.loyalty_id IS NULL AND b.email IS NOT NULL
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
  -- The copy silver kept, whole: a valid copy with the key index's arrival and payload digest for its key. Only this
  -- statement's rows are digested (no scan, an email: the filter above), and the digest is matched for every one of
  -- them, so when silver kept a copy the filter dropped (no email, or a scan) and another copy tied with it on arrival,
  -- the other copy's email is never recorded for the kept row. Identical copies share one digest: DISTINCT keeps one.
  digested AS (
    SELECT checked.*,
      -- retail:include fragments/pos_transactions_payload.sql
      AS payload_digest
    FROM checked
    WHERE reason IS NULL
  ),
  first_valid AS (
    SELECT DISTINCT d.row_key, d.loyalty_id, d.email, d.event_ts, d.received_at
    FROM digested AS d
    JOIN retail_silver.event_keys AS k ON k.source_table = 'pos_transactions' AND k.event_id = d.row_key
      AND k.received_at = d.received_at AND k.payload_digest = d.payload_digest
  ),
  -- retail:include fragments/email_hash.sql
  unresolved AS (
    SELECT event_id FROM retail_silver.order_events
    WHERE event_ts >= TIMESTAMP '{{window_start}}' - INTERVAL '3' DAY AND loyalty_id IS NULL AND channel = 'store'
  )
  SELECT h.row_key, h.email_hash, h.event_ts, h.received_at
  FROM hashed AS h
  WHERE h.email_hash IS NOT NULL AND h.row_key IN (SELECT event_id FROM unresolved)
) AS s
ON t.source_table = 'pos_transactions' AND t.event_id = s.row_key
WHEN NOT MATCHED THEN INSERT (source_table, event_id, email_hash, event_ts, first_seen)
  VALUES ('pos_transactions', s.row_key, s.email_hash, s.event_ts, s.received_at);
