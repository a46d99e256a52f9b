-- retail:table semantics=event event-time=event_ts pii=ops-merge,ops-erase,ops-maintenance
-- PII: email_hash is the salted hash of a shopper's email; only the roles that write and re-resolve, erase, or expire
-- these rows may read it.
-- The silver rows the stream merges left unresolved: one row per cart event (source_table cart_events, also its
-- order_events row when it is a purchase) or POS line (pos_transactions) merged with no loyalty scan and an email_hash
-- the bridge did not resolve then. event_id is the silver row's key, event_ts its event time (the partition its
-- silver row sits in), first_seen the arrival of the copy silver kept. Written by sql/unresolved/<product>.sql and read
-- by sql/reresolve/ in each stream product's hourly identity run and in every replay (functions/merge.ts): the silver
-- rows whose email_hash the bridge now resolves are updated and deleted from here; rows outside
-- retail:operations.reresolveHorizonDays (by event_ts or first_seen) are dropped there, and the raw-email retention
-- drops rows first seen before its cutoff. One more row per recording product, source_table 'recorded_through', is the
-- record's mark (sql/reresolve/record_mark.sql; no email_hash). Bookkeeping, not silver rows: accounting
-- (sql/reconcile/accounting.sql) does not count it.
CREATE TABLE IF NOT EXISTS retail_silver.unresolved_identities (
  source_table string,
  event_id string,
  email_hash string,
  event_ts timestamp,
  first_seen timestamp
)
PARTITIONED BY (day(event_ts))
TBLPROPERTIES ('table_type' = 'ICEBERG');
