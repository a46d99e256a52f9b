    -- The row_key of a bronze ad platform touch, read by merge/campaign_attribution.sql and reconcile/campaign_attribution.sql
    -- so both sides count the same keys. Scoped by its source system, the ad platform (three share the table, and their ids
    -- may collide): the trimmed platform's length, the platform and the trimmed event_id (`4:meta:1001`; the length makes
    -- the split unambiguous whatever either holds). Without an event_id, a digest of every column but received_at, each
    -- field hex-encoded (a NULL as '-', which hex never contains) before joining on '|', so no two rows share a digest.
    coalesce(
      CASE WHEN nullif(trim(event_id), '') IS NOT NULL
        THEN concat(CAST(length(coalesce(trim(ad_platform), '')) AS varchar), ':', coalesce(trim(ad_platform), ''), ':', trim(event_id)) END,
      lower(to_hex(sha256(to_utf8(concat_ws('|',
      coalesce(to_hex(to_utf8(event_id)), '-'), coalesce(to_hex(to_utf8(ad_platform)), '-'), coalesce(to_hex(to_utf8(campaign_id)), '-'),
      coalesce(to_hex(to_utf8(touch_type)), '-'), coalesce(to_hex(to_utf8(channel)), '-'), coalesce(to_hex(to_utf8(order_event_id)), '-'),
      coalesce(to_hex(to_utf8(CAST(cost AS varchar))), '-'), coalesce(to_hex(to_utf8(event_time)), '-')))))))
