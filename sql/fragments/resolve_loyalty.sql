  -- Included by the merges that write loyalty_id (merge/cart_events.sql, merge/pos_transactions.sql) after
  -- fragments/email_hash.sql and fragments/resolving_emails.sql: loyalty_id comes from the loyalty scan first, else from
  -- the salted email_hash when it resolves (resolving_emails); a masked or malformed email gets no hash.
  SELECT r.*, coalesce(r.loyalty_id, br.loyalty_id) AS resolved_loyalty_id
  FROM hashed AS r
  LEFT JOIN resolving_emails AS br ON br.email_hash = r.email_hash
