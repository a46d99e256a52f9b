  -- Included by both statements of merge/loyalty_tier.sql, the silver MERGE and the quarantine MERGE: both read these
  -- checked and ranked rows, so a row is valid or refused by one rule, and the first-ranked copy of each row_key
  -- goes to exactly one of the two tables. The including statement defines keyed: the window's bronze rows with
  -- their row_key (fragments/loyalty_tier_key.sql, which reconciliation counts too).
  checked AS (
    SELECT
      b.*,
      CASE WHEN b.email IS NULL OR strpos(b.email, '@') = 0 OR strpos(b.email, '*') > 0 THEN NULL
           ELSE lower(to_hex(sha256(to_utf8(concat((SELECT salt FROM awsdatacatalog.retail_ops.email_salt), lower(trim(b.email))))))) END AS email_hash,
      concat_ws('|', coalesce(b.loyalty_id, ''), coalesce(b.tier, ''), coalesce(b.region, '')) AS raw_payload,
      CASE
        WHEN loyalty_id IS NULL OR trim(loyalty_id) = '' THEN 'missing_loyalty_id'
        WHEN tier IS NULL OR tier NOT IN ('member', 'silver', 'gold', 'platinum') THEN 'unknown_tier'
      END AS reason
    FROM keyed AS b
  ),
  ranked AS (
    SELECT
      checked.*,
      row_number() OVER (PARTITION BY row_key ORDER BY CASE WHEN reason IS NULL THEN 0 ELSE 1 END, received_at DESC NULLS LAST, raw_payload) AS arrival
    FROM checked
  )
