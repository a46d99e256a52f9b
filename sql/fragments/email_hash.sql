  -- The salted email_hash of a row with no loyalty scan: the hash the bridge holds for the same email, or NULL for a
  -- scanned row and for a masked or malformed email. Included right after a first_valid CTE carrying loyalty_id and the
  -- raw email, by the merges that resolve loyalty_id (with resolving_emails.sql and resolve_loyalty.sql) and by their
  -- unresolved_identities statements, so a re-resolution matches exactly the hash the merge failed to resolve.
  hashed AS (
    SELECT first_valid.*,
      CASE WHEN loyalty_id IS NOT NULL OR email IS NULL OR strpos(email, '@') = 0 OR strpos(email, '*') > 0 THEN NULL
           ELSE lower(to_hex(sha256(to_utf8(concat((SELECT salt FROM awsdatacatalog.retail_ops.email_salt), lower(trim(email))))))) END AS email_hash
    FROM first_valid
  ),
