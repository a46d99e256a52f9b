    -- The payload digest of a valid bronze cart event: every column but the id's padding, the spelling of its time
    -- (event_ts is the parsed time) and received_at, each hex-encoded (a NULL as '-') before joining on '|'. Two
    -- copies of one key with different digests conflict; retail_silver.event_keys keeps the kept copy's digest.
    lower(to_hex(sha256(to_utf8(concat_ws('|',
      coalesce(to_hex(to_utf8(event_type)), '-'), coalesce(to_hex(to_utf8(session_id)), '-'), coalesce(to_hex(to_utf8(channel)), '-'),
      coalesce(to_hex(to_utf8(loyalty_id)), '-'), coalesce(to_hex(to_utf8(email)), '-'), coalesce(to_hex(to_utf8(region)), '-'),
      coalesce(to_hex(to_utf8(sku)), '-'), coalesce(to_hex(to_utf8(CAST(quantity AS varchar))), '-'),
      coalesce(to_hex(to_utf8(CAST(revenue AS varchar))), '-'), coalesce(to_hex(to_utf8(CAST(event_ts AS varchar))), '-'))))))
