-- Raw-email retention (retail:privacy.rawEmailRetentionDays): the operations maintenance function runs this daily
-- with {{cutoff}} = today (UTC) minus the retention, and sets email to NULL on every bronze row that arrived before it.
-- A row is dated as accounting dates it (reconcile/accounting.sql): its arrival, else its event time, else 1970-01-01;
-- an extract row by its landing time, else its snapshot_date. Only email changes, so bronze row counts (accounting)
-- and every other column stay as they were. The retention is at least the merge horizon plus reconciliation's arrival
-- span plus a day (core/limits.ts), because a keyless row's row_key digests its email: a scrubbed row is never read
-- again by a merge or a daily reconciliation.
-- retail_silver.quarantine needs no statement: its raw_payload is built without the email (merge/*.sql), and
-- tests/local/lakehouse/retention.test.ts fails if one ever carries it. Its row_key, reason and source stay.
UPDATE retail_bronze.cart_events SET email = NULL
WHERE email IS NOT NULL
  AND (received_at < TIMESTAMP '{{cutoff}} 00:00:00'
    OR (received_at IS NULL
      AND coalesce(CAST(try(from_iso8601_timestamp(event_time)) AT TIME ZONE 'UTC' AS timestamp), TIMESTAMP '1970-01-01 00:00:00') < TIMESTAMP '{{cutoff}} 00:00:00'));

UPDATE retail_bronze.pos_transactions SET email = NULL
WHERE email IS NOT NULL
  AND (received_at < TIMESTAMP '{{cutoff}} 00:00:00'
    OR (received_at IS NULL
      AND coalesce(CAST(try(from_iso8601_timestamp(event_time)) AT TIME ZONE 'UTC' AS timestamp), TIMESTAMP '1970-01-01 00:00:00') < TIMESTAMP '{{cutoff}} 00:00:00'));

UPDATE retail_bronze.loyalty_tier SET email = NULL
WHERE email IS NOT NULL
  AND coalesce(received_at, CAST(snapshot_date AS timestamp)) < TIMESTAMP '{{cutoff}} 00:00:00';

-- The rows merged unresolved (retail_silver.unresolved_identities) hold a salted email_hash only to re-resolve their
-- silver row; they are kept no longer than the raw email (first_seen is the kept copy's arrival). The re-resolution
-- horizon is at most this retention (infra/config), so this only drops rows the horizon has already given up on,
-- and is what bounds the table when no bridge change runs the re-resolution's own cleanup.
-- The record's mark (source_table 'recorded_through') holds no email_hash and stays.
DELETE FROM retail_silver.unresolved_identities
WHERE first_seen < TIMESTAMP '{{cutoff}} 00:00:00' AND source_table <> 'recorded_through';
