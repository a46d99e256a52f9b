-- How far a scheduled product's unresolved record has read (sql/unresolved/<product>.sql): the merge function's hourly
-- identity run reads this mark, records the arrivals from it (or from its own lookback, whichever is earlier, at most
-- core/reresolve.ts RECORD_MAX_SPAN_MINUTES back) to the run's end, then moves it there. So a failed or missed identity
-- run loses nothing: the next one reads from where the last one that succeeded stopped. The mark is one bookkeeping row
-- of the side table (source_table 'recorded_through', event_id the product, no email_hash, so no re-resolution or
-- erasure statement matches it; the horizon's cleanup and the raw-email retention skip it by name, so it survives an
-- outage longer than either). Replays (a backfill window, an operator's re-merge) record their own windows and leave
-- the mark alone.
SELECT CAST(max(event_ts) AS varchar) AS recorded_through
FROM retail_silver.unresolved_identities
WHERE source_table = 'recorded_through' AND event_id = '{{product}}';

MERGE INTO retail_silver.unresolved_identities AS t
USING (SELECT '{{product}}' AS product, TIMESTAMP '{{window_end}}' AS recorded_through) AS s
ON t.source_table = 'recorded_through' AND t.event_id = s.product
WHEN MATCHED THEN UPDATE SET event_ts = s.recorded_through, first_seen = s.recorded_through
WHEN NOT MATCHED THEN INSERT (source_table, event_id, email_hash, event_ts, first_seen)
  VALUES ('recorded_through', s.product, NULL, s.recorded_through, s.recorded_through);
