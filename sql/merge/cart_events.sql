-- Bronze cart/browse events of one received_at window into retail_silver.cart_events (every valid event),
-- retail_silver.order_events (valid purchases) and retail_silver.quarantine (refused rows, with the reason).
-- Idempotent: each statement inserts only keys its target does not hold yet, so a re-run changes nothing.
-- Dedupe: rows sharing a row_key (event_id, or a hash of the raw row when event_id is missing) collapse to the
-- earliest valid arrival; a re-send arriving in a later window matches the earlier copy already in the target.
-- The target is matched on its key alone, not on a time bound, so an event however late is never inserted twice.
-- loyalty_id is resolved here: the loyalty scan first, else the salted email_hash when exactly one loyalty_id
-- carries it in identity_bridge (a household email shared by several members resolves to nobody).
-- Cost (measured on DuckDB at 1M-50M rows, and the same shape is cheap on Trino): each statement parses and
-- validates the window once; dedupe is one GROUP BY row_key with min_by(column, received_at) (a hash aggregate)
-- instead of row_number() over every row (a sort); try() wraps only the timestamp parse, because a failing row
-- inside try() makes DuckDB re-run the whole expression row by row. The order_events statement reads only the
-- window's purchase rows (an event_id keeps its event_type across re-sends) and the quarantine statement keeps
-- only row_keys that arrived with no valid copy in the window.
MERGE INTO retail_silver.cart_events AS t
USING (
  WITH typed AS (
    SELECT
      b.*,
      CAST(try(from_iso8601_timestamp(b.event_time)) AT TIME ZONE 'UTC' AS timestamp) AS event_ts
    FROM retail_bronze.cart_events AS b
    WHERE b.received_at >= TIMESTAMP '{{window_start}}' AND b.received_at < TIMESTAMP '{{window_end}}'
  ),
  valid AS (
    SELECT trim(event_id) AS row_key, event_id, event_type, session_id, channel, loyalty_id, email, region, sku, quantity, revenue, event_ts, received_at
    FROM typed
    WHERE event_id IS NOT NULL AND trim(event_id) <> '' AND event_ts IS NOT NULL
      AND channel IN ('web', 'app')
      AND event_type IN ('browse', 'add_to_cart', 'remove_from_cart', 'checkout', 'purchase')
      AND session_id IS NOT NULL AND trim(session_id) <> ''
      AND (revenue IS NULL OR revenue >= 0)
  ),
  first_valid AS (
    SELECT row_key,
      min_by(event_id, received_at) AS event_id, min_by(event_type, received_at) AS event_type,
      min_by(session_id, received_at) AS session_id, min_by(channel, received_at) AS channel,
      min_by(loyalty_id, received_at) AS loyalty_id, min_by(email, received_at) AS email,
      min_by(region, received_at) AS region, min_by(sku, received_at) AS sku,
      min_by(quantity, received_at) AS quantity, min_by(revenue, received_at) AS revenue,
      min_by(event_ts, received_at) AS event_ts
    FROM valid
    GROUP BY row_key
  ),
  hashed AS (
    SELECT first_valid.*,
      CASE WHEN loyalty_id IS NOT NULL OR email IS NULL OR strpos(email, '@') = 0 OR strpos(email, '*') > 0 THEN NULL
           ELSE lower(to_hex(sha256(to_utf8(concat('{{email_salt}}', lower(trim(email))))))) END AS email_hash
    FROM first_valid
  )
  SELECT r.*, coalesce(r.loyalty_id, br.loyalty_id) AS resolved_loyalty_id
  FROM hashed AS r
  LEFT JOIN (
    SELECT email_hash, min(loyalty_id) AS loyalty_id
    FROM retail_silver.identity_bridge
    GROUP BY email_hash
    HAVING count(DISTINCT loyalty_id) = 1
  ) AS br ON br.email_hash = r.email_hash
) AS s
ON t.event_id = s.event_id
WHEN NOT MATCHED THEN INSERT (event_id, event_type, session_id, channel, loyalty_id, region, sku, quantity, revenue, event_ts)
  VALUES (s.event_id, s.event_type, s.session_id, s.channel, s.resolved_loyalty_id, s.region, s.sku, s.quantity, s.revenue, s.event_ts);

MERGE INTO retail_silver.order_events AS t
USING (
  WITH typed AS (
    SELECT
      b.*,
      CAST(try(from_iso8601_timestamp(b.event_time)) AT TIME ZONE 'UTC' AS timestamp) AS event_ts
    FROM retail_bronze.cart_events AS b
    WHERE b.received_at >= TIMESTAMP '{{window_start}}' AND b.received_at < TIMESTAMP '{{window_end}}'
      AND b.event_type = 'purchase'
  ),
  valid AS (
    SELECT trim(event_id) AS row_key, event_id, channel, loyalty_id, email, sku, revenue, event_ts, received_at
    FROM typed
    WHERE event_id IS NOT NULL AND trim(event_id) <> '' AND event_ts IS NOT NULL
      AND channel IN ('web', 'app')
      AND session_id IS NOT NULL AND trim(session_id) <> ''
      AND (revenue IS NULL OR revenue >= 0)
  ),
  first_valid AS (
    SELECT row_key,
      min_by(event_id, received_at) AS event_id, min_by(channel, received_at) AS channel,
      min_by(loyalty_id, received_at) AS loyalty_id, min_by(email, received_at) AS email,
      min_by(sku, received_at) AS sku, min_by(revenue, received_at) AS revenue,
      min_by(event_ts, received_at) AS event_ts
    FROM valid
    GROUP BY row_key
  ),
  hashed AS (
    SELECT first_valid.*,
      CASE WHEN loyalty_id IS NOT NULL OR email IS NULL OR strpos(email, '@') = 0 OR strpos(email, '*') > 0 THEN NULL
           ELSE lower(to_hex(sha256(to_utf8(concat('{{email_salt}}', lower(trim(email))))))) END AS email_hash
    FROM first_valid
  )
  SELECT r.*, coalesce(r.loyalty_id, br.loyalty_id) AS resolved_loyalty_id
  FROM hashed AS r
  LEFT JOIN (
    SELECT email_hash, min(loyalty_id) AS loyalty_id
    FROM retail_silver.identity_bridge
    GROUP BY email_hash
    HAVING count(DISTINCT loyalty_id) = 1
  ) AS br ON br.email_hash = r.email_hash
) AS s
ON t.event_id = s.event_id
WHEN NOT MATCHED THEN INSERT (event_id, channel, loyalty_id, sku, event_ts, revenue)
  VALUES (s.event_id, s.channel, s.resolved_loyalty_id, s.sku, s.event_ts, s.revenue);

MERGE INTO retail_silver.quarantine AS t
USING (
  WITH typed AS (
    SELECT
      b.*,
      CAST(try(from_iso8601_timestamp(b.event_time)) AT TIME ZONE 'UTC' AS timestamp) AS event_ts
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
  -- The earliest refused arrival of each row_key that arrived with no valid copy in the window.
  refused AS (
    SELECT row_key,
      min_by(event_id, received_at) AS event_id, min_by(event_type, received_at) AS event_type,
      min_by(reason, received_at) AS reason, min_by(session_id, received_at) AS session_id,
      min_by(channel, received_at) AS channel, min_by(loyalty_id, received_at) AS loyalty_id,
      min_by(region, received_at) AS region, min_by(sku, received_at) AS sku,
      min_by(quantity, received_at) AS quantity, min_by(revenue, received_at) AS revenue,
      min_by(event_time, received_at) AS event_time, min_by(event_ts, received_at) AS event_ts,
      min(received_at) AS received_at
    FROM checked
    GROUP BY row_key
    HAVING count_if(reason IS NULL) = 0
  )
  SELECT * FROM refused
) AS s
ON t.source_table = 'cart_events' AND t.row_key = s.row_key
WHEN NOT MATCHED THEN INSERT (source_table, row_key, event_id, event_type, reason, raw_payload, event_ts, received_at)
  VALUES ('cart_events', s.row_key, s.event_id, s.event_type, s.reason, concat_ws('|', coalesce(s.event_id, ''), coalesce(s.event_type, ''), coalesce(s.session_id, ''),
      coalesce(s.channel, ''), coalesce(s.loyalty_id, ''), coalesce(s.region, ''), coalesce(s.sku, ''),
      coalesce(CAST(s.quantity AS varchar), ''), coalesce(CAST(s.revenue AS varchar), ''),
      coalesce(s.event_time, '')), coalesce(s.event_ts, s.received_at), s.received_at);
