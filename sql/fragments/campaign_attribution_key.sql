    -- The row_key of a bronze ad platform touch, read by merge/campaign_attribution.sql and reconcile/campaign_attribution.sql
    -- so both sides count the same keys: the trimmed event_id, else a digest of every column but received_at. Each field is
    -- hex-encoded (a NULL as '-', which hex never contains) before joining on '|', so no two rows share a digest.
    coalesce(nullif(trim(event_id), ''), lower(to_hex(sha256(to_utf8(concat_ws('|',
      coalesce(to_hex(to_utf8(event_id)), '-'), coalesce(to_hex(to_utf8(ad_platform)), '-'), coalesce(to_hex(to_utf8(campaign_id)), '-'),
      coalesce(to_hex(to_utf8(touch_type)), '-'), coalesce(to_hex(to_utf8(channel)), '-'), coalesce(to_hex(to_utf8(order_event_id)), '-'),
      coalesce(to_hex(to_utf8(CAST(cost AS varchar))), '-'), coalesce(to_hex(to_utf8(event_time)), '-')))))))
