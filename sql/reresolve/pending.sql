-- Whether the re-resolution has anything to do, and where: the side rows within the horizon whose email_hash now
-- resolves (fragments/resolving_emails.sql), with the first and last event day among them. It reads only the side
-- table and the bridge (both small); the silver updates run only when it finds rows, bounded to those days, so a
-- bridge refresh that only widened last_seen costs this query and the side table's cleanup, not a silver scan.
WITH
-- retail:include fragments/resolving_emails.sql
SELECT count(*) AS pending,
  CAST(CAST(min(u.event_ts) AS date) AS varchar) AS first_day,
  CAST(CAST(max(u.event_ts) AS date) AS varchar) AS last_day
FROM retail_silver.unresolved_identities AS u
JOIN resolving_emails AS r ON r.email_hash = u.email_hash
WHERE u.event_ts >= TIMESTAMP '{{horizon_start}}'
