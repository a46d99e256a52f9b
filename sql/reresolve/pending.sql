-- Whether the re-resolution has anything to do, and where: the event days of the side rows within the horizon whose
-- email_hash now resolves (fragments/resolving_emails.sql), newest first, with how many each holds. Within the
-- horizon means both the event time (the silver partition a row lives in) and the first arrival (what the raw-email
-- retention dates a side row by) are on or after its start. It reads only the side table and the bridge (both
-- small); the silver updates run one day at a time for the days it names (core/reresolve.ts caps how many per run),
-- so a bridge refresh that only widened last_seen costs this query and the cleanup, not a silver scan.
WITH
-- retail:include fragments/resolving_emails.sql
SELECT CAST(CAST(u.event_ts AS date) AS varchar) AS day, count(*) AS pending
FROM retail_silver.unresolved_identities AS u
JOIN resolving_emails AS r ON r.email_hash = u.email_hash
WHERE u.event_ts >= TIMESTAMP '{{horizon_start}}' AND u.first_seen >= TIMESTAMP '{{horizon_start}}'
GROUP BY CAST(u.event_ts AS date)
ORDER BY CAST(u.event_ts AS date) DESC
