-- Builds retail_silver.identity_bridge for one window: one row per (loyalty_id, email_hash) seen together, from
-- the loyalty CRM snapshot and from web, app and POS events that carry both a loyalty scan and an email.
-- loyalty_id is the key and is never merged with another: a household email shared by several members simply
-- yields several rows with the same email_hash, and the merges resolve an email_hash only when exactly one
-- loyalty_id carries it. A masked POS email (one with '*', or no '@') gets no hash, so it never links anyone.
-- Distinct (loyalty_id, raw email) pairs are normalised and hashed once, not every event: the '@' and '*' tests need
-- no lower/trim, and the last GROUP BY folds the spellings of one email (' A@X.COM', 'a@x.com') into one row
-- (lower(trim()) on every event row was half of this statement at 10M events). A known pair is rewritten only when
-- the window widens its first_seen/last_seen, so a re-run, and any run that only sees known pairs again, writes no
-- rows (no Iceberg delete files for the whole membership every few minutes). Run it before the merges of the window.
MERGE INTO retail_silver.identity_bridge AS t
USING (
  WITH event_links AS (
    SELECT loyalty_id, email, received_at, 'cart_events' AS source
    FROM retail_bronze.cart_events
    WHERE received_at >= TIMESTAMP '{{window_start}}' AND received_at < TIMESTAMP '{{window_end}}'
    UNION ALL
    SELECT loyalty_id, email, received_at, 'pos_transactions' AS source
    FROM retail_bronze.pos_transactions
    WHERE received_at >= TIMESTAMP '{{window_start}}' AND received_at < TIMESTAMP '{{window_end}}'
  ),
  raw_pairs AS (
    SELECT loyalty_id, email, min(received_at) AS first_seen, max(received_at) AS last_seen,
      min_by(source, received_at) AS source
    FROM event_links
    WHERE loyalty_id IS NOT NULL AND trim(loyalty_id) <> ''
      AND email IS NOT NULL AND strpos(email, '@') > 0 AND strpos(email, '*') = 0
    GROUP BY loyalty_id, email
  ),
  links AS (
    SELECT loyalty_id, lower(to_hex(sha256(to_utf8(concat((SELECT salt FROM awsdatacatalog.retail_ops.email_salt), lower(trim(email))))))) AS email_hash,
      first_seen, last_seen, source
    FROM raw_pairs
    UNION ALL
    SELECT loyalty_id, email_hash, CAST(snapshot_date AS timestamp) AS first_seen,
      CAST(snapshot_date AS timestamp) AS last_seen, 'loyalty_tier' AS source
    FROM retail_silver.loyalty_tier
    WHERE snapshot_date >= CAST(TIMESTAMP '{{window_start}}' AS date)
      AND snapshot_date <= CAST(TIMESTAMP '{{window_end}}' AS date)
      AND loyalty_id IS NOT NULL AND email_hash IS NOT NULL
  )
  SELECT loyalty_id, email_hash, min(first_seen) AS first_seen, max(last_seen) AS last_seen,
    min_by(source, first_seen) AS source
  FROM links
  GROUP BY loyalty_id, email_hash
) AS s
ON t.loyalty_id = s.loyalty_id AND t.email_hash = s.email_hash
WHEN MATCHED AND (s.first_seen < t.first_seen OR s.last_seen > t.last_seen) THEN UPDATE SET first_seen = least(t.first_seen, s.first_seen), last_seen = greatest(t.last_seen, s.last_seen)
WHEN NOT MATCHED THEN INSERT (loyalty_id, email_hash, first_seen, last_seen, source)
  VALUES (s.loyalty_id, s.email_hash, s.first_seen, s.last_seen, s.source);
