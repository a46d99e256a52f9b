    -- The payload digest of a valid bronze touch: every column but the id's padding, the spelling of its time
    -- (event_ts is the parsed time) and received_at, each hex-encoded (a NULL as '-') before joining on '|'. Two
    -- copies of one key with different digests conflict; retail_silver.event_keys keeps the kept copy's digest.
    lower(to_hex(sha256(to_utf8(concat_ws('|',
      coalesce(to_hex(to_utf8(ad_platform)), '-'), coalesce(to_hex(to_utf8(campaign_id)), '-'), coalesce(to_hex(to_utf8(touch_type)), '-'),
      coalesce(to_hex(to_utf8(channel)), '-'), coalesce(to_hex(to_utf8(order_event_id)), '-'),
      coalesce(to_hex(to_utf8(CAST(cost AS varchar))), '-'), coalesce(to_hex(to_utf8(CAST(event_ts AS varchar))), '-'))))))
