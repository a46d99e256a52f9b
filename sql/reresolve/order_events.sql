-- Re-resolution of retail_silver.order_events, as reresolve/cart_events.sql: a web or app purchase (side rows of
-- cart_events, matched on channel web/app) and a POS line (pos_transactions, channel store) left unresolved within
-- the horizon get the loyalty_id their email_hash now resolves to. Only NULL loyalty_ids are set; silver is matched
-- on the side row's event_ts (its partition) within the one day reresolve/pending.sql found. Run before
-- reresolve/unresolved_identities.sql.
MERGE INTO retail_silver.order_events AS t
USING (
  WITH
  -- retail:include fragments/resolving_emails.sql
  SELECT u.source_table, u.event_id, u.event_ts, r.loyalty_id
  FROM retail_silver.unresolved_identities AS u
  JOIN resolving_emails AS r ON r.email_hash = u.email_hash
  WHERE u.event_ts >= TIMESTAMP '{{reresolve_from}}' AND u.event_ts < TIMESTAMP '{{reresolve_to}}'
    AND u.first_seen >= TIMESTAMP '{{horizon_start}}'
) AS s
ON t.event_id = s.event_id AND t.event_ts = s.event_ts AND t.event_ts >= TIMESTAMP '{{reresolve_from}}' AND t.event_ts < TIMESTAMP '{{reresolve_to}}'
  AND ((s.source_table = 'cart_events' AND t.channel IN ('web', 'app')) OR (s.source_table = 'pos_transactions' AND t.channel = 'store'))
WHEN MATCHED AND t.loyalty_id IS NULL THEN UPDATE SET loyalty_id = s.loyalty_id;
