    -- The row_key of a bronze ERP inventory row, read by merge/erp_inventory.sql and reconcile/erp_inventory.sql:
    -- (snapshot_date, location_id, sku), or every column when location_id or sku is missing, each field hex-encoded
    -- (a NULL as '-', which hex never contains) and joined on '|' (the id-less digest hashed), so no two different keys coincide.
    CASE
      WHEN location_id IS NULL OR trim(location_id) = '' OR sku IS NULL OR trim(sku) = '' THEN lower(to_hex(sha256(to_utf8(concat_ws('|', 'missing_key',
        coalesce(to_hex(to_utf8(CAST(snapshot_date AS varchar))), '-'), coalesce(to_hex(to_utf8(location_id)), '-'),
        coalesce(to_hex(to_utf8(location_type)), '-'), coalesce(to_hex(to_utf8(region)), '-'), coalesce(to_hex(to_utf8(sku)), '-'),
        coalesce(to_hex(to_utf8(CAST(on_hand AS varchar))), '-'), coalesce(to_hex(to_utf8(CAST(units_ordered AS varchar))), '-'),
        coalesce(to_hex(to_utf8(CAST(units_shipped AS varchar))), '-'))))))
      ELSE concat_ws('|', coalesce(to_hex(to_utf8(CAST(snapshot_date AS varchar))), '-'), to_hex(to_utf8(location_id)), to_hex(to_utf8(sku)))
    END
