  -- The email hashes that resolve, each to its one member: the one place the rule lives, read by the merges (through
  -- resolve_loyalty.sql) and by the re-resolution (sql/reresolve/), so history is re-resolved as a new row would be.
  -- A hash resolves when exactly one loyalty_id carries it among the pairs that resolve (a shared household email
  -- resolves to nobody): a member's CRM pairs from the latest snapshot that listed the member (sql/bridge/identity_bridge.sql,
  -- rule 3), so an email the CRM dropped is forgotten; event pairs only for members with no CRM pair at all.
  -- The last CTE of its WITH (no comma after it): the statement's final SELECT joins it.
  resolving_emails AS (
    SELECT email_hash, min(loyalty_id) AS loyalty_id
    FROM (
      SELECT loyalty_id, email_hash, source, last_seen,
        max(CASE WHEN source = 'loyalty_tier' THEN last_seen END) OVER (PARTITION BY loyalty_id) AS crm_last_seen
      FROM retail_silver.identity_bridge
    ) AS pairs
    WHERE (source = 'loyalty_tier' AND last_seen = crm_last_seen) OR (source <> 'loyalty_tier' AND crm_last_seen IS NULL)
    GROUP BY email_hash
    HAVING count(DISTINCT loyalty_id) = 1
  )
