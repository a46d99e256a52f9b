    -- The row_key of a bronze cart event, read by merge/cart_events.sql and reconcile/{cart,order}_events.sql so both
    -- sides count the same keys: the trimmed event_id, else a digest of every column but received_at. Each field is
    -- hex-encoded (a NULL as '-', which hex never contains) before joining on '|', so no two rows share a digest.
    coalesce(nullif(trim(event_id), ''), lower(to_hex(sha256(to_utf8(concat_ws('|',
      coalesce(to_hex(to_utf8(event_id)), '-'), coalesce(to_hex(to_utf8(event_type)), '-'), coalesce(to_hex(to_utf8(session_id)), '-'),
      coalesce(to_hex(to_utf8(channel)), '-'), coalesce(to_hex(to_utf8(loyalty_id)), '-'), coalesce(to_hex(to_utf8(email)), '-'),
      coalesce(to_hex(to_utf8(region)), '-'), coalesce(to_hex(to_utf8(sku)), '-'), coalesce(to_hex(to_utf8(CAST(quantity AS varchar))), '-'),
      coalesce(to_hex(to_utf8(CAST(revenue AS varchar))), '-'), coalesce(to_hex(to_utf8(event_time)), '-')))))))
