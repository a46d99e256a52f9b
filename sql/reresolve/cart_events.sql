-- Re-resolution of retail_silver.cart_events: when the bridge learns a link (a CRM snapshot, a later loyalty scan), the
-- web and app rows the merge left unresolved (retail_silver.unresolved_identities) get the loyalty_id their email_hash
-- now resolves to, by the merges' own rule (fragments/resolving_emails.sql). Only NULL loyalty_ids are set, so a second
-- run changes nothing and a resolved row is never re-attributed. Reads one partition: [reresolve_from, reresolve_to)
-- is one event day reresolve/pending.sql found (inside the horizon, now minus retail:operations.reresolveHorizonDays,
-- by event time and first arrival), and silver is matched on the side row's own event_ts, its partition column.
-- Run after reresolve/pending.sql found rows, before reresolve/unresolved_identities.sql.
MERGE INTO retail_silver.cart_events AS t
USING (
  WITH
  -- retail:include fragments/resolving_emails.sql
  SELECT u.event_id, u.event_ts, r.loyalty_id
  FROM retail_silver.unresolved_identities AS u
  JOIN resolving_emails AS r ON r.email_hash = u.email_hash
  WHERE u.source_table = 'cart_events' AND u.event_ts >= TIMESTAMP '{{reresolve_from}}' AND u.event_ts < TIMESTAMP '{{reresolve_to}}'
    AND u.first_seen >= TIMESTAMP '{{horizon_start}}'
) AS s
ON t.event_id = s.event_id AND t.event_ts = s.event_ts AND t.event_ts >= TIMESTAMP '{{reresolve_from}}' AND t.event_ts < TIMESTAMP '{{reresolve_to}}'
WHEN MATCHED AND t.loyalty_id IS NULL THEN UPDATE SET loyalty_id = s.loyalty_id;
