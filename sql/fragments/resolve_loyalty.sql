  -- Included by the merges that write loyalty_id (merge/cart_events.sql, merge/pos_transactions.sql) right after
  -- their first_valid CTE, whose rows carry loyalty_id and the raw email: the one place the resolution rule lives.
  -- loyalty_id comes from the loyalty scan first, else from the salted email_hash when exactly one loyalty_id carries
  -- it among the pairs that resolve (a shared household email resolves to nobody); a masked or malformed email gets no hash.
  hashed AS (
    SELECT first_valid.*,
      CASE WHEN loyalty_id IS NOT NULL OR email IS NULL OR strpos(email, '@') = 0 OR strpos(email, '*') > 0 THEN NULL
           ELSE lower(to_hex(sha256(to_utf8(concat((SELECT salt FROM awsdatacatalog.retail_ops.email_salt), lower(trim(email))))))) END AS email_hash
    FROM first_valid
  )
  SELECT r.*, coalesce(r.loyalty_id, br.loyalty_id) AS resolved_loyalty_id
  FROM hashed AS r
  LEFT JOIN (
    SELECT email_hash, min(loyalty_id) AS loyalty_id
    FROM (
      -- The pairs that resolve (sql/bridge/identity_bridge.sql, rule 3): a member's CRM pairs from the latest
      -- snapshot that listed the member, so an email the CRM dropped is forgotten; event pairs only for members
      -- with no CRM pair at all.
      SELECT loyalty_id, email_hash, source, last_seen,
        max(CASE WHEN source = 'loyalty_tier' THEN last_seen END) OVER (PARTITION BY loyalty_id) AS crm_last_seen
      FROM retail_silver.identity_bridge
    ) AS pairs
    WHERE (source = 'loyalty_tier' AND last_seen = crm_last_seen) OR (source <> 'loyalty_tier' AND crm_last_seen IS NULL)
    GROUP BY email_hash
    HAVING count(DISTINCT loyalty_id) = 1
  ) AS br ON br.email_hash = r.email_hash
