-- After reresolve/cart_events.sql and reresolve/order_events.sql: the side rows of the day just applied whose
-- email_hash now resolves were applied to silver and go (this statement runs once per applied day, with its day
-- parameters, so the rows of days left for a later run stay); then, once per run, rows outside the horizon (by event
-- time or by first arrival, as reresolve/pending.sql bounds it) will never be re-resolved and go too. A second run
-- deletes nothing.
MERGE INTO retail_silver.unresolved_identities AS t
USING (
  WITH
  -- retail:include fragments/resolving_emails.sql
  SELECT u.source_table, u.event_id
  FROM retail_silver.unresolved_identities AS u
  JOIN resolving_emails AS r ON r.email_hash = u.email_hash
  WHERE u.event_ts >= TIMESTAMP '{{reresolve_from}}' AND u.event_ts < TIMESTAMP '{{reresolve_to}}'
    AND u.first_seen >= TIMESTAMP '{{horizon_start}}'
) AS s
ON t.source_table = s.source_table AND t.event_id = s.event_id
WHEN MATCHED THEN DELETE;

-- The record's mark (source_table 'recorded_through', sql/reresolve/record_mark.sql) stays, however old: after an
-- outage longer than the horizon the next identity run still reads from it (at most the record's span back).
DELETE FROM retail_silver.unresolved_identities
WHERE (event_ts < TIMESTAMP '{{horizon_start}}' OR first_seen < TIMESTAMP '{{horizon_start}}')
  AND source_table <> 'recorded_through';
