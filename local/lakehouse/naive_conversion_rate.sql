-- The omnichannel conversion the seed says broke, kept only to measure it (never deployed): web session_id joined
-- to POS receipt_id and online orders by email string, counting every matched (session, transaction) pair.
-- A household email shared by several loyalty members credits each member's receipt to every member's session
-- (double counting, rates above 100 %); a masked POS email matches nothing (drops). Reads bronze, because silver
-- keeps no raw email; rows with no usable event time or session are left out as the merge would.
-- Cost: cart rows are parsed and grouped once into sessions (a web purchase is a session that bought), and pairs
-- are a DISTINCT over columns, never a string concatenated per pair.
WITH sessions AS MATERIALIZED (
  SELECT session_id, day, region, email, max(CASE WHEN event_type = 'purchase' THEN 1 ELSE 0 END) AS bought
  FROM (
    SELECT
      session_id, region, event_type, lower(trim(email)) AS email,
      CAST(CAST(try(from_iso8601_timestamp(event_time)) AT TIME ZONE 'UTC' AS timestamp) AS date) AS day
    FROM retail_bronze.cart_events
    WHERE event_id IS NOT NULL AND channel IN ('web', 'app') AND session_id <> ''
  ) AS cart
  WHERE day IS NOT NULL
  GROUP BY session_id, day, region, email
),
transactions AS (
  SELECT 'web' AS kind, session_id AS txn, day, email FROM sessions WHERE bought = 1
  UNION ALL
  SELECT DISTINCT 'pos' AS kind, receipt_id AS txn,
    CAST(CAST(try(from_iso8601_timestamp(event_time)) AT TIME ZONE 'UTC' AS timestamp) AS date) AS day,
    lower(trim(email)) AS email
  FROM retail_bronze.pos_transactions
  WHERE event_id IS NOT NULL
),
pairs AS (
  SELECT region, count(*) AS matched
  FROM (
    SELECT DISTINCT s.region, s.session_id, t.kind, t.txn
    FROM sessions AS s
    JOIN transactions AS t ON t.email = s.email AND t.day = s.day
  ) AS m
  GROUP BY region
)
SELECT s.region, count(*) AS sessions, coalesce(max(p.matched), 0) AS converted_sessions
FROM sessions AS s
LEFT JOIN pairs AS p ON p.region = s.region
GROUP BY s.region
