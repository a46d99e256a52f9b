-- Bronze cart/browse events of one received_at window into retail_silver.cart_events (every valid event),
-- retail_silver.order_events (valid purchases) and retail_silver.quarantine (refused rows, with the reason).
-- Idempotent: each statement inserts only keys its target does not hold yet, so a re-run changes nothing.
-- Dedupe: rows sharing a row_key (event_id, or a hash of the raw row when event_id is missing) collapse to the
-- earliest valid arrival; a re-send arriving in a later window matches the earlier copy already in the target.
-- The target is matched on its key alone, not on a time bound, so an event however late is never inserted twice.
-- loyalty_id is resolved here: the loyalty scan first, else the salted email_hash when exactly one loyalty_id
-- carries it in identity_bridge (a household email shared by several members resolves to nobody).
MERGE INTO retail_silver.cart_events AS t
USING (
  WITH typed AS (
    SELECT
      b.*,
      try(CAST(from_iso8601_timestamp(b.event_time) AT TIME ZONE 'UTC' AS timestamp)) AS event_ts,
      CASE WHEN b.loyalty_id IS NOT NULL OR b.email IS NULL OR strpos(b.email, '@') = 0 OR strpos(b.email, '*') > 0 THEN NULL
           ELSE lower(to_hex(sha256(to_utf8(concat('{{email_salt}}', lower(trim(b.email))))))) END AS email_hash
    FROM retail_bronze.cart_events AS b
    WHERE b.received_at >= TIMESTAMP '{{window_start}}' AND b.received_at < TIMESTAMP '{{window_end}}'
  ),
  checked AS (
    SELECT
      typed.*,
      coalesce(nullif(trim(event_id), ''), lower(to_hex(sha256(to_utf8(concat_ws('|', coalesce(event_id, ''), coalesce(event_type, ''), coalesce(session_id, ''),
        coalesce(channel, ''), coalesce(loyalty_id, ''), coalesce(region, ''), coalesce(sku, ''),
        coalesce(CAST(quantity AS varchar), ''), coalesce(CAST(revenue AS varchar), ''),
        coalesce(event_time, ''))))))) AS row_key,
      CASE
        WHEN event_id IS NULL OR trim(event_id) = '' THEN 'missing_event_id'
        WHEN event_ts IS NULL THEN 'unparseable_timestamp'
        WHEN channel IS NULL OR channel NOT IN ('web', 'app') THEN 'unknown_channel'
        WHEN event_type IS NULL OR event_type NOT IN ('browse', 'add_to_cart', 'remove_from_cart', 'checkout', 'purchase') THEN 'unknown_event_type'
        WHEN session_id IS NULL OR trim(session_id) = '' THEN 'missing_session_id'
        WHEN revenue < 0 THEN 'negative_revenue'
      END AS reason
    FROM typed
  ),
  ranked AS (
    SELECT
      checked.*,
      row_number() OVER (PARTITION BY row_key ORDER BY CASE WHEN reason IS NULL THEN 0 ELSE 1 END, received_at) AS arrival
    FROM checked
  )
  SELECT r.*, coalesce(r.loyalty_id, br.loyalty_id) AS resolved_loyalty_id
  FROM ranked AS r
  LEFT JOIN (
    SELECT email_hash, min(loyalty_id) AS loyalty_id
    FROM retail_silver.identity_bridge
    GROUP BY email_hash
    HAVING count(DISTINCT loyalty_id) = 1
  ) AS br ON br.email_hash = r.email_hash
  WHERE r.arrival = 1 AND r.reason IS NULL
) AS s
ON t.event_id = s.event_id
WHEN NOT MATCHED THEN INSERT (event_id, event_type, session_id, channel, loyalty_id, region, sku, quantity, revenue, event_ts)
  VALUES (s.event_id, s.event_type, s.session_id, s.channel, s.resolved_loyalty_id, s.region, s.sku, s.quantity, s.revenue, s.event_ts);

MERGE INTO retail_silver.order_events AS t
USING (
  WITH typed AS (
    SELECT
      b.*,
      try(CAST(from_iso8601_timestamp(b.event_time) AT TIME ZONE 'UTC' AS timestamp)) AS event_ts,
      CASE WHEN b.loyalty_id IS NOT NULL OR b.email IS NULL OR strpos(b.email, '@') = 0 OR strpos(b.email, '*') > 0 THEN NULL
           ELSE lower(to_hex(sha256(to_utf8(concat('{{email_salt}}', lower(trim(b.email))))))) END AS email_hash
    FROM retail_bronze.cart_events AS b
    WHERE b.received_at >= TIMESTAMP '{{window_start}}' AND b.received_at < TIMESTAMP '{{window_end}}'
  ),
  checked AS (
    SELECT
      typed.*,
      coalesce(nullif(trim(event_id), ''), lower(to_hex(sha256(to_utf8(concat_ws('|', coalesce(event_id, ''), coalesce(event_type, ''), coalesce(session_id, ''),
        coalesce(channel, ''), coalesce(loyalty_id, ''), coalesce(region, ''), coalesce(sku, ''),
        coalesce(CAST(quantity AS varchar), ''), coalesce(CAST(revenue AS varchar), ''),
        coalesce(event_time, ''))))))) AS row_key,
      CASE
        WHEN event_id IS NULL OR trim(event_id) = '' THEN 'missing_event_id'
        WHEN event_ts IS NULL THEN 'unparseable_timestamp'
        WHEN channel IS NULL OR channel NOT IN ('web', 'app') THEN 'unknown_channel'
        WHEN event_type IS NULL OR event_type NOT IN ('browse', 'add_to_cart', 'remove_from_cart', 'checkout', 'purchase') THEN 'unknown_event_type'
        WHEN session_id IS NULL OR trim(session_id) = '' THEN 'missing_session_id'
        WHEN revenue < 0 THEN 'negative_revenue'
      END AS reason
    FROM typed
  ),
  ranked AS (
    SELECT
      checked.*,
      row_number() OVER (PARTITION BY row_key ORDER BY CASE WHEN reason IS NULL THEN 0 ELSE 1 END, received_at) AS arrival
    FROM checked
  )
  SELECT r.*, coalesce(r.loyalty_id, br.loyalty_id) AS resolved_loyalty_id
  FROM ranked AS r
  LEFT JOIN (
    SELECT email_hash, min(loyalty_id) AS loyalty_id
    FROM retail_silver.identity_bridge
    GROUP BY email_hash
    HAVING count(DISTINCT loyalty_id) = 1
  ) AS br ON br.email_hash = r.email_hash
  WHERE r.arrival = 1 AND r.reason IS NULL AND r.event_type = 'purchase'
) AS s
ON t.event_id = s.event_id
WHEN NOT MATCHED THEN INSERT (event_id, channel, loyalty_id, sku, event_ts, revenue)
  VALUES (s.event_id, s.channel, s.resolved_loyalty_id, s.sku, s.event_ts, s.revenue);

MERGE INTO retail_silver.quarantine AS t
USING (
  WITH typed AS (
    SELECT
      b.*,
      try(CAST(from_iso8601_timestamp(b.event_time) AT TIME ZONE 'UTC' AS timestamp)) AS event_ts,
      CASE WHEN b.loyalty_id IS NOT NULL OR b.email IS NULL OR strpos(b.email, '@') = 0 OR strpos(b.email, '*') > 0 THEN NULL
           ELSE lower(to_hex(sha256(to_utf8(concat('{{email_salt}}', lower(trim(b.email))))))) END AS email_hash
    FROM retail_bronze.cart_events AS b
    WHERE b.received_at >= TIMESTAMP '{{window_start}}' AND b.received_at < TIMESTAMP '{{window_end}}'
  ),
  checked AS (
    SELECT
      typed.*,
      coalesce(nullif(trim(event_id), ''), lower(to_hex(sha256(to_utf8(concat_ws('|', coalesce(event_id, ''), coalesce(event_type, ''), coalesce(session_id, ''),
        coalesce(channel, ''), coalesce(loyalty_id, ''), coalesce(region, ''), coalesce(sku, ''),
        coalesce(CAST(quantity AS varchar), ''), coalesce(CAST(revenue AS varchar), ''),
        coalesce(event_time, ''))))))) AS row_key,
      CASE
        WHEN event_id IS NULL OR trim(event_id) = '' THEN 'missing_event_id'
        WHEN event_ts IS NULL THEN 'unparseable_timestamp'
        WHEN channel IS NULL OR channel NOT IN ('web', 'app') THEN 'unknown_channel'
        WHEN event_type IS NULL OR event_type NOT IN ('browse', 'add_to_cart', 'remove_from_cart', 'checkout', 'purchase') THEN 'unknown_event_type'
        WHEN session_id IS NULL OR trim(session_id) = '' THEN 'missing_session_id'
        WHEN revenue < 0 THEN 'negative_revenue'
      END AS reason
    FROM typed
  ),
  ranked AS (
    SELECT
      checked.*,
      row_number() OVER (PARTITION BY row_key ORDER BY CASE WHEN reason IS NULL THEN 0 ELSE 1 END, received_at) AS arrival
    FROM checked
  )
  SELECT r.*, coalesce(r.loyalty_id, br.loyalty_id) AS resolved_loyalty_id
  FROM ranked AS r
  LEFT JOIN (
    SELECT email_hash, min(loyalty_id) AS loyalty_id
    FROM retail_silver.identity_bridge
    GROUP BY email_hash
    HAVING count(DISTINCT loyalty_id) = 1
  ) AS br ON br.email_hash = r.email_hash
  WHERE r.arrival = 1 AND r.reason IS NOT NULL
) AS s
ON t.source_table = 'cart_events' AND t.row_key = s.row_key
WHEN NOT MATCHED THEN INSERT (source_table, row_key, event_id, event_type, reason, raw_payload, event_ts, received_at)
  VALUES ('cart_events', s.row_key, s.event_id, s.event_type, s.reason, concat_ws('|', coalesce(s.event_id, ''), coalesce(s.event_type, ''), coalesce(s.session_id, ''),
      coalesce(s.channel, ''), coalesce(s.loyalty_id, ''), coalesce(s.region, ''), coalesce(s.sku, ''),
      coalesce(CAST(s.quantity AS varchar), ''), coalesce(CAST(s.revenue AS varchar), ''),
      coalesce(s.event_time, '')), coalesce(s.event_ts, s.received_at), s.received_at);
