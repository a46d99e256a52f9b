import { LocalLakehouse } from "./duckdb";

/**
 * Synthetic ad platform touches for retail_bronze.campaign_attribution, with their truth, drawn from the generator's
 * sessions and store receipts (generate.ts calls this while its gen_sessions and gen_receipts views exist, with the
 * same seeded gen_u/gen_i macros). Twelve campaigns, each on one ad platform and one channel: web and app campaigns
 * are clicked before a session, store-visit campaigns before a store purchase. A conversion credits the order lines
 * the click led to: the session's online purchase, some of its same-day store lines (the platform's offline
 * conversions), a store-visit campaign's receipt lines. The export lands hourly, five minutes past the next hour.
 *
 * Truth (never read by sql/): truth.campaign_clicks (day, campaign, cost per click) and truth.campaign_credits (one
 * row per campaign and credited order line, with that line's day and revenue, read from its clean bronze row).
 * On top: the export re-sent an hour later, a conversion re-reported under a second touch id (gold counts the line
 * once), and malformed copies under new ids (no id, an unknown touch type, no campaign, a negative cost or no order,
 * an unreadable time).
 */
export const CAMPAIGNS = {
  count: 12,
  adClickShare: 0.3,
  storeAdClickShare: 0.15,
  offlineMatchShare: 0.5,
  rereportedShare: 0.02,
} as const;

export async function generateCampaigns(lake: LocalLakehouse, p: { duplicateShare: number; malformedShare: number }): Promise<void> {
  const perChannel = CAMPAIGNS.count / 3;
  await lake.run(`
    CREATE OR REPLACE TEMP TABLE gen_campaigns AS
    SELECT campaign_id, ad_platform, channel, row_number() OVER (PARTITION BY channel ORDER BY k) - 1 AS slot
    FROM (
      SELECT k, 'CMP' || lpad(CAST(k + 1 AS VARCHAR), 3, '0') AS campaign_id,
        ['google-ads', 'meta', 'tiktok'][1 + (k // 3) % 3] AS ad_platform,
        ['web', 'app', 'store'][1 + k % 3] AS channel
      FROM range(${CAMPAIGNS.count}) AS t(k)
    )
  `);
  await lake.run(`
    CREATE OR REPLACE TEMP TABLE gen_touches AS
    WITH clicked AS (
      SELECT s.*, c.campaign_id, c.ad_platform, c.channel AS campaign_channel, n_browse + n_cart + 1 AS buy_j
      FROM gen_sessions AS s
      JOIN gen_campaigns AS c ON c.channel = s.channel AND c.slot = gen_i(s.pid, s.d, 'campaign', ${perChannel})
      WHERE gen_u(s.pid, s.d, 'adclick') < ${CAMPAIGNS.adClickShare}
    ),
    visited AS (
      SELECT r.*, c.campaign_id, c.ad_platform
      FROM gen_receipts AS r
      JOIN gen_campaigns AS c ON c.channel = 'store' AND c.slot = gen_i(r.pid, r.d, 'storecampaign', ${perChannel})
      WHERE gen_u(r.pid, r.d, 'storeclick') < ${CAMPAIGNS.storeAdClickShare}
    ),
    clean AS (
      SELECT 'ck-s' || pid || '-' || d AS event_id, ad_platform, campaign_id, 'click' AS touch_type, campaign_channel AS channel,
        CAST(NULL AS VARCHAR) AS order_event_id, CAST(0.2 + gen_i(pid, d, 'cpc', 180) / 100.0 AS DECIMAL(12, 2)) AS cost,
        started_at - INTERVAL 1 MINUTE AS event_ts, pid, d
      FROM clicked
      UNION ALL
      SELECT 'ck-r' || pid || '-' || d, ad_platform, campaign_id, 'click', 'store', NULL,
        CAST(0.5 + gen_i(pid, d, 'storecpc', 250) / 100.0 AS DECIMAL(12, 2)), bought_at - INTERVAL 90 MINUTE, pid, d
      FROM visited
      UNION ALL
      SELECT 'cv-e' || pid || '-' || d, ad_platform, campaign_id, 'conversion', campaign_channel, 'e' || pid || '-' || d || '-' || buy_j,
        NULL, started_at + to_minutes(buy_j + 1), pid, d
      FROM clicked WHERE purchase = 'online'
      UNION ALL
      SELECT 'cv-s' || r.pid || '-' || r.d || '-' || j, c.ad_platform, c.campaign_id, 'conversion', c.campaign_channel,
        'p' || r.pid || '-' || r.d || '-' || j, NULL, r.bought_at + INTERVAL 30 MINUTE, r.pid, r.d
      FROM clicked AS c
      JOIN (SELECT gen_receipts.*, unnest(range(n_lines)) AS j FROM gen_receipts) AS r ON r.pid = c.pid AND r.d = c.d
      WHERE c.purchase = 'store' AND gen_u(c.pid, c.d, 'offline') < ${CAMPAIGNS.offlineMatchShare}
      UNION ALL
      SELECT 'cv-r' || pid || '-' || d || '-' || j, ad_platform, campaign_id, 'conversion', 'store',
        'p' || pid || '-' || d || '-' || j, NULL, bought_at + INTERVAL 30 MINUTE, pid, d
      FROM (SELECT visited.*, unnest(range(n_lines)) AS j FROM visited)
    )
    SELECT * FROM clean
    UNION ALL
    SELECT * REPLACE ('re-' || event_id AS event_id, event_ts + INTERVAL 2 MINUTE AS event_ts) FROM clean
    WHERE touch_type = 'conversion' AND gen_u(pid, d, 'rereport' || event_id) < ${CAMPAIGNS.rereportedShare}
  `);
  await lake.run(`
    CREATE OR REPLACE TABLE truth.campaign_clicks AS
    SELECT CAST(event_ts AS DATE) AS day, campaign_id, channel, cost FROM gen_touches WHERE touch_type = 'click';
    CREATE OR REPLACE TABLE truth.campaign_credits AS
    WITH orders AS (
      SELECT event_id, min(CAST(CAST(try(from_iso8601_timestamp(event_time)) AT TIME ZONE 'UTC' AS timestamp) AS DATE)) AS day,
        min(revenue) AS revenue, 'online' AS order_channel
      FROM retail_bronze.cart_events WHERE event_type = 'purchase' AND event_id IN (SELECT order_event_id FROM gen_touches) GROUP BY event_id
      UNION ALL
      SELECT event_id, min(CAST(CAST(try(from_iso8601_timestamp(event_time)) AT TIME ZONE 'UTC' AS timestamp) AS DATE)), min(revenue), 'store'
      FROM retail_bronze.pos_transactions WHERE event_id IN (SELECT order_event_id FROM gen_touches) GROUP BY event_id
    )
    SELECT DISTINCT t.campaign_id, t.channel, o.event_id AS order_event_id, o.day, o.revenue, o.order_channel
    FROM gen_touches AS t JOIN orders AS o ON o.event_id = t.order_event_id WHERE t.touch_type = 'conversion';
  `);
  // Each clean touch, its re-export an hour later (if any), and its malformed copy under a new id (if any).
  await lake.run(`
    INSERT INTO retail_bronze.campaign_attribution
    WITH base AS (
      SELECT t.*, date_trunc('hour', event_ts) + INTERVAL 65 MINUTE AS received_at,
        CAST(gen_u(pid, d, 'dup' || event_id) < ${p.duplicateShare} AS INTEGER) AS dup,
        CAST(gen_u(pid, d, 'bad' || event_id) < ${p.malformedShare} AS INTEGER) AS bad
      FROM gen_touches AS t
    ),
    copies AS (SELECT base.*, unnest(range(1 + dup + bad)) AS c FROM base),
    k AS (SELECT copies.*, CASE WHEN c > dup THEN gen_i(pid, d, 'kind' || event_id, 5) ELSE -1 END AS kind FROM copies)
    SELECT
      CASE WHEN kind = 0 THEN NULL WHEN kind > 0 THEN 'bad-' || event_id ELSE event_id END,
      ad_platform,
      CASE WHEN kind = 2 THEN '' ELSE campaign_id END,
      CASE WHEN kind = 1 THEN 'impression' ELSE touch_type END,
      channel,
      CASE WHEN kind = 3 AND touch_type = 'conversion' THEN NULL ELSE order_event_id END,
      CASE WHEN kind = 3 AND touch_type = 'click' THEN -cost ELSE cost END,
      CASE WHEN kind = 4 THEN 'soon' ELSE strftime(event_ts, '%Y-%m-%dT%H:%M:%SZ') END,
      received_at + CASE WHEN c = 1 AND dup = 1 THEN INTERVAL 1 HOUR ELSE INTERVAL 0 HOUR END
    FROM k
  `);
  await lake.run("DROP TABLE gen_touches; DROP TABLE gen_campaigns");
}
