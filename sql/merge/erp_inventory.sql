-- The daily ERP inventory extract (snapshot_date days from the window's start day up to and including its end day, so the run that closes
-- a midnight-cut window also merges the extract dated that day; consecutive windows overlap on one day, which the
-- update-in-place makes harmless) into
-- retail_silver.erp_inventory, keyed on (snapshot_date, location_id, sku); a row missing
-- its key is quarantined under a hash of its content, so distinct broken rows stay distinct. Of several
-- copies of a key the latest landed valid one wins (bronze received_at, stamped by the Glue job; payload order only
-- breaks ties), so a corrected re-extract of the same day updates the row in place; a re-run writes nothing (a matched row is rewritten only when a value changed). Refused rows go to quarantine with their reason.
MERGE INTO retail_silver.erp_inventory AS t
USING (
  WITH keyed AS (
    SELECT
      b.*,
      -- retail:include fragments/erp_inventory_key.sql
      AS row_key
    FROM retail_bronze.erp_inventory AS b
    WHERE b.snapshot_date >= CAST(TIMESTAMP '{{window_start}}' AS date)
      AND b.snapshot_date <= CAST(TIMESTAMP '{{window_end}}' AS date)
  ),
  -- retail:include fragments/erp_inventory_ranked.sql
  SELECT * FROM ranked WHERE arrival = 1 AND reason IS NULL
) AS s
ON t.snapshot_date = s.snapshot_date AND t.location_id = s.location_id AND t.sku = s.sku
WHEN MATCHED AND (t.location_type IS DISTINCT FROM s.location_type OR t.region IS DISTINCT FROM s.region OR t.on_hand IS DISTINCT FROM s.on_hand
    OR t.units_ordered IS DISTINCT FROM s.units_ordered OR t.units_shipped IS DISTINCT FROM s.units_shipped)
  THEN UPDATE SET location_type = s.location_type, region = s.region, on_hand = s.on_hand, units_ordered = s.units_ordered, units_shipped = s.units_shipped
WHEN NOT MATCHED THEN INSERT (snapshot_date, location_id, location_type, region, sku, on_hand, units_ordered, units_shipped)
  VALUES (s.snapshot_date, s.location_id, s.location_type, s.region, s.sku, s.on_hand, s.units_ordered, s.units_shipped);

MERGE INTO retail_silver.quarantine AS t
USING (
  WITH keyed AS (
    SELECT
      b.*,
      -- retail:include fragments/erp_inventory_key.sql
      AS row_key
    FROM retail_bronze.erp_inventory AS b
    WHERE b.snapshot_date >= CAST(TIMESTAMP '{{window_start}}' AS date)
      AND b.snapshot_date <= CAST(TIMESTAMP '{{window_end}}' AS date)
  ),
  -- retail:include fragments/erp_inventory_ranked.sql
  SELECT * FROM ranked WHERE arrival = 1 AND reason IS NOT NULL
) AS s
ON t.source_table = 'erp_inventory' AND t.row_key = s.row_key
WHEN NOT MATCHED THEN INSERT (source_table, row_key, event_id, event_type, reason, raw_payload, event_ts, received_at)
  VALUES ('erp_inventory', s.row_key, NULL, 'snapshot', s.reason, s.raw_payload, CAST(s.snapshot_date AS timestamp), CAST(s.snapshot_date AS timestamp));

-- The duplicates record: every copy of a key beyond its homes (its silver row, the first-ranked copy, and its
-- quarantine row when a refused copy was quarantined before a valid one landed), each naming its key. The ranking
-- puts valid copies first, latest landed first, so a later re-extract only adds duplicates; a re-run adds none.
MERGE INTO retail_silver.duplicates AS t
USING (
  WITH keyed AS (
    SELECT
      b.*,
      -- retail:include fragments/erp_inventory_key.sql
      AS row_key
    FROM retail_bronze.erp_inventory AS b
    WHERE b.snapshot_date >= CAST(TIMESTAMP '{{window_start}}' AS date)
      AND b.snapshot_date <= CAST(TIMESTAMP '{{window_end}}' AS date)
  ),
  -- retail:include fragments/erp_inventory_ranked.sql
  ,
  -- Keys with more than one copy, and whether silver holds the key (its first-ranked copy is valid).
  keys_copied AS (
    SELECT row_key, max(CASE WHEN arrival = 1 AND reason IS NULL THEN 1 ELSE 0 END) = 1 AS kept
    FROM ranked
    GROUP BY row_key
    HAVING count(*) > 1
  ),
  homes AS (
    SELECT r.*, k.kept,
      CASE WHEN k.kept AND r.row_key IN (SELECT row_key FROM retail_silver.quarantine WHERE source_table = 'erp_inventory') THEN 2 ELSE 1 END AS home_count,
      lower(to_hex(sha256(to_utf8(concat_ws('|', 'copy', to_hex(to_utf8(r.row_key)), to_hex(to_utf8(r.raw_payload)),
        coalesce(to_hex(to_utf8(CAST(r.received_at AS varchar))), '-')))))) AS copy_digest
    FROM ranked AS r
    JOIN keys_copied AS k ON k.row_key = r.row_key
  ),
  copies AS (
    SELECT homes.*, row_number() OVER (PARTITION BY copy_digest ORDER BY arrival) AS copy_rank FROM homes
  )
  SELECT
    concat_ws('|', copy_digest, CAST(copy_rank AS varchar)) AS copy_key,
    row_key AS duplicate_of,
    CASE WHEN kept THEN 'silver' ELSE 'quarantine' END AS duplicate_of_table,
    CAST(snapshot_date AS timestamp) AS event_ts,
    received_at
  FROM copies
  WHERE arrival > home_count
) AS s
ON t.source_table = 'erp_inventory' AND t.copy_key = s.copy_key
WHEN NOT MATCHED THEN INSERT (source_table, copy_key, duplicate_of, duplicate_of_table, event_ts, received_at)
  VALUES ('erp_inventory', s.copy_key, s.duplicate_of, s.duplicate_of_table, s.event_ts, s.received_at);
