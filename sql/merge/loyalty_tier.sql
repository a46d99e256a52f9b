-- The daily loyalty CRM extract (snapshot_date days from the window's start day up to and including its end day, so the run that closes
-- a midnight-cut window also merges the extract dated that day; consecutive windows overlap on one day, which the
-- update-in-place makes harmless) into
-- retail_silver.loyalty_tier, keyed on (snapshot_date, loyalty_id); a row missing its key
-- is quarantined under a hash of its content. The raw email is salted and hashed here and never copied to silver
-- or to quarantine. Of several copies of a key the latest landed valid one wins (bronze received_at, stamped by the Glue job;
-- payload order only breaks ties), so a corrected re-extract updates in place; a re-run writes nothing (a matched row is rewritten only when a value changed).
MERGE INTO retail_silver.loyalty_tier AS t
USING (
  WITH keyed AS (
    SELECT
      b.*,
      -- retail:include fragments/loyalty_tier_key.sql
      AS row_key
    FROM retail_bronze.loyalty_tier AS b
    WHERE b.snapshot_date >= CAST(TIMESTAMP '{{window_start}}' AS date)
      AND b.snapshot_date <= CAST(TIMESTAMP '{{window_end}}' AS date)
  ),
  -- retail:include fragments/loyalty_tier_ranked.sql
  SELECT * FROM ranked WHERE arrival = 1 AND reason IS NULL
) AS s
ON t.snapshot_date = s.snapshot_date AND t.loyalty_id = s.loyalty_id
WHEN MATCHED AND (t.tier IS DISTINCT FROM s.tier OR t.email_hash IS DISTINCT FROM s.email_hash OR t.region IS DISTINCT FROM s.region)
  THEN UPDATE SET tier = s.tier, email_hash = s.email_hash, region = s.region
WHEN NOT MATCHED THEN INSERT (snapshot_date, loyalty_id, tier, email_hash, region)
  VALUES (s.snapshot_date, s.loyalty_id, s.tier, s.email_hash, s.region);

MERGE INTO retail_silver.quarantine AS t
USING (
  WITH keyed AS (
    SELECT
      b.*,
      -- retail:include fragments/loyalty_tier_key.sql
      AS row_key
    FROM retail_bronze.loyalty_tier AS b
    WHERE b.snapshot_date >= CAST(TIMESTAMP '{{window_start}}' AS date)
      AND b.snapshot_date <= CAST(TIMESTAMP '{{window_end}}' AS date)
  ),
  -- retail:include fragments/loyalty_tier_ranked.sql
  SELECT * FROM ranked WHERE arrival = 1 AND reason IS NOT NULL
) AS s
ON t.source_table = 'loyalty_tier' AND t.row_key = s.row_key
WHEN NOT MATCHED THEN INSERT (source_table, row_key, event_id, event_type, reason, raw_payload, event_ts, received_at)
  VALUES ('loyalty_tier', s.row_key, NULL, 'snapshot', s.reason, s.raw_payload, CAST(s.snapshot_date AS timestamp), CAST(s.snapshot_date AS timestamp));
