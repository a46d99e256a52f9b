  -- Included by both statements of merge/erp_inventory.sql, the silver MERGE and the quarantine MERGE: both read these
  -- checked and ranked rows, so a row is valid or refused by one rule, and the first-ranked copy of each row_key
  -- goes to exactly one of the two tables. The including statement defines keyed: the window's bronze rows with
  -- their row_key (fragments/erp_inventory_key.sql, which reconciliation counts too).
  checked AS (
    SELECT
      b.*,
      concat_ws('|', coalesce(b.location_id, ''), coalesce(b.location_type, ''), coalesce(b.region, ''), coalesce(b.sku, ''),
        coalesce(CAST(b.on_hand AS varchar), ''), coalesce(CAST(b.units_ordered AS varchar), ''), coalesce(CAST(b.units_shipped AS varchar), '')) AS raw_payload,
      CASE
        WHEN location_id IS NULL OR trim(location_id) = '' OR sku IS NULL OR trim(sku) = '' THEN 'missing_key'
        WHEN location_type IS NULL OR location_type NOT IN ('store', 'dc') THEN 'unknown_location_type'
        WHEN on_hand < 0 OR units_ordered < 0 OR units_shipped < 0 THEN 'negative_units'
      END AS reason
    FROM keyed AS b
  ),
  ranked AS (
    SELECT
      checked.*,
      row_number() OVER (PARTITION BY row_key ORDER BY CASE WHEN reason IS NULL THEN 0 ELSE 1 END, received_at DESC NULLS LAST, raw_payload) AS arrival
    FROM checked
  )
