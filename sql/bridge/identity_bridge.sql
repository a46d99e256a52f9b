-- Builds retail_silver.identity_bridge for one window: one row per (loyalty_id, email_hash), with where it came from
-- (source) and when it was first and last seen. The loyalty CRM is the authority: it decides which loyalty ids exist
-- and which email belongs to each member, read from its latest snapshot up to the window's end day. Rules:
--   1. Every (member, email) pair of that snapshot is a pair (source loyalty_tier, seen on its snapshot day).
--   2. An event pair (a web, app or POS event carrying both a loyalty scan and an email) adds evidence only for a
--      member the CRM knows and holds no usable email for, and only with an email that is no CRM member's email.
--      So an event naming an unknown loyalty id adds nothing (it cannot make a member's email ambiguous), and an event
--      pairing a member with a foreign email adds nothing when the CRM has that member's email (it cannot credit the
--      foreigner's purchases to the member).
--   3. Which pairs resolve is sql/fragments/resolve_loyalty.sql's rule: a member's pairs from the latest CRM snapshot
--      that lists the member (an email the CRM dropped stops resolving), event pairs only while rule 2 holds.
-- loyalty_id is the key and is never merged with another: a household email shared by several members simply
-- yields several rows with the same email_hash, and the merges resolve an email_hash only when exactly one
-- loyalty_id carries it. A masked POS email (one with '*', or no '@') gets no hash, so it never links anyone.
-- Distinct (loyalty_id, raw email) pairs are normalised and hashed once, not every event. A known pair is rewritten
-- only when the window widens its first_seen/last_seen, so a re-run writes no rows. Run it before the merges of the window.
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
  -- The CRM's latest snapshot up to the window's end day: its members and their email_hash (NULL when none usable).
  members AS (
    SELECT loyalty_id, email_hash, snapshot_date
    FROM retail_silver.loyalty_tier
    WHERE snapshot_date = (
        SELECT max(snapshot_date) FROM retail_silver.loyalty_tier WHERE snapshot_date <= CAST(TIMESTAMP '{{window_end}}' AS date))
      AND loyalty_id IS NOT NULL
  ),
  event_pairs AS (
    SELECT loyalty_id, lower(to_hex(sha256(to_utf8(concat((SELECT salt FROM awsdatacatalog.retail_ops.email_salt), lower(trim(email))))))) AS email_hash,
      first_seen, last_seen, source
    FROM raw_pairs
  ),
  links AS (
    SELECT loyalty_id, email_hash, CAST(snapshot_date AS timestamp) AS first_seen, CAST(snapshot_date AS timestamp) AS last_seen,
      'loyalty_tier' AS source
    FROM members
    WHERE email_hash IS NOT NULL
    UNION ALL
    -- Rule 2: evidence only for a known member without a CRM email, with an email no CRM member holds.
    SELECT e.loyalty_id, e.email_hash, e.first_seen, e.last_seen, e.source
    FROM event_pairs AS e
    WHERE e.loyalty_id IN (SELECT loyalty_id FROM members)
      AND e.loyalty_id NOT IN (SELECT loyalty_id FROM members WHERE email_hash IS NOT NULL)
      AND e.email_hash NOT IN (SELECT email_hash FROM members WHERE email_hash IS NOT NULL)
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
