    -- The row_key of a bronze loyalty CRM row, read by merge/loyalty_tier.sql and reconcile/loyalty_tier.sql:
    -- (snapshot_date, loyalty_id), or every column when loyalty_id is missing, each field hex-encoded (a NULL as '-',
    -- which hex never contains) and joined on '|' (the id-less digest hashed), so no two different keys coincide.
    CASE
      WHEN loyalty_id IS NULL OR trim(loyalty_id) = '' THEN lower(to_hex(sha256(to_utf8(concat_ws('|', 'missing_loyalty_id',
        coalesce(to_hex(to_utf8(CAST(snapshot_date AS varchar))), '-'), coalesce(to_hex(to_utf8(loyalty_id)), '-'),
        coalesce(to_hex(to_utf8(tier)), '-'), coalesce(to_hex(to_utf8(email)), '-'), coalesce(to_hex(to_utf8(region)), '-'))))))
      ELSE concat_ws('|', coalesce(to_hex(to_utf8(CAST(snapshot_date AS varchar))), '-'), to_hex(to_utf8(loyalty_id)))
    END
