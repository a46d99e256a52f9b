import { LocalLakehouse } from "./duckdb";
import { generateCampaigns } from "./generateCampaigns";

/**
 * Deterministic synthetic retail data, generated inside DuckDB from range() and seeded hashes (no row ever crosses
 * into JavaScript, which is what keeps 10M events fast). The hidden truth lives in schema `truth`: the person
 * behind every session and whether that person bought that day. The pipeline under sql/ never reads it.
 *
 * Shape: 380 stores in 10 regions; households, most of one person with their own email, some of 2-4 loyalty
 * members sharing one household email (concentrated in a "family" region, which is how the seed saw a region
 * above 100 %); per active person-day an optional web/app session and an optional purchase, online in the
 * session or in a store. POS receipts carry a loyalty scan or not, and the POS masks some emails. Some store
 * purchases are unresolvable by any method (no scan and a masked or shared email), as in real stores.
 * On top of the clean events: duplicates re-sent by Firehose, late arrivals and malformed rows (never in truth).
 */

export interface GenerateOptions {
  readonly events: number;
  readonly seed: number;
  readonly days: number;
  /** First day, 'YYYY-MM-DD'. */
  readonly startDay: string;
  /** Overrides of POPULATION knobs, for calibration runs; the defaults are the calibrated ones. */
  readonly population?: Partial<Population>;
}

/**
 * Knobs of the synthetic population. Calibrated (seeds 7, 11, 23, 42, 47; 100k-10M events) so the naive email match
 * lands near the seed's 11 % error (10.5-13 %) with the family region above 100 %, while the bridge stays under 1 %:
 * sharing concentrated in one family region (30 % of its households, 85 % co-active) and none elsewhere. With two
 * family regions and 2 % sharing elsewhere (the first calibration) the naive error was ~32 %.
 */
export const POPULATION = {
  regions: 10,
  storesPerRegion: 38,
  /** Regions (0-based) where many households share one email across loyalty ids. */
  familyRegions: [2],
  sharedShareFamily: 0.3,
  sharedShareOther: 0,
  /** Chance a household is active on a given day; sets how many households a given event count needs. */
  activeShare: 0.18,
  /** Chance that another member of a shared household is active the same day. */
  coActive: 0.85,
  sessionShare: 0.55,
  appShare: 0.4,
  webLoyaltyLinked: 0.95,
  onlineBuyInSession: 0.25,
  storeBuyAfterSession: 0.3,
  storeBuyWithoutSession: 0.6,
  posLoyaltyScan: 0.9,
  posMaskedEmail: 0.065,
  redemptionShare: 0.12,
  duplicateShare: 0.01,
  lateShare: 0.02,
  malformedShare: 0.004,
  /** Measured events per active household-day at the defaults, used to size the population for --events. */
  eventsPerHouseholdDay: 3.12,
  /** Inventory rows per location and day at full scale; small runs scale it down with the event count. */
  skusPerLocation: 40,
  skus: 500,
} as const;

export type Population = { -readonly [K in keyof typeof POPULATION]: (typeof POPULATION)[K] extends readonly number[] ? readonly number[] : number };

export interface GeneratedCounts {
  readonly cartEvents: number;
  readonly posLines: number;
  readonly households: number;
  readonly members: number;
}

/** Fill every bronze table (campaign_attribution through generateCampaigns.ts) and `truth`. */
export async function generate(lake: LocalLakehouse, options: GenerateOptions): Promise<GeneratedCounts> {
  const p: Population = { ...POPULATION, ...options.population };
  const { days, seed } = options;
  const households = Math.max(50, Math.round(options.events / (days * p.activeShare * p.eventsPerHouseholdDay)));
  const start = `TIMESTAMP '${options.startDay} 00:00:00'`;
  const family = p.familyRegions.join(", ");
  const skusPerLocation = Math.max(1, Math.min(p.skusPerLocation, Math.round(options.events / 25_000)));
  await lake.run(`
    CREATE OR REPLACE TEMP MACRO gen_u(a, b, salt) AS (hash(a, b, salt, ${seed}) % 1000000)::DOUBLE / 1000000;
    CREATE OR REPLACE TEMP MACRO gen_i(a, b, salt, n) AS (hash(a, b, salt, ${seed}) % n)::INTEGER;
    CREATE SCHEMA IF NOT EXISTS truth;
  `);
  // One row per active person-day: who, where, and what they did. Household attributes derive from h alone. Rows
  // come out day by day (the draws are those of household-major order), and every table below streams from this
  // one in that order, so bronze lands clustered by day with no sort. A temp table, dropped once bronze is written:
  // the merges get its memory back (3.4M rows at 10M events).
  await lake.run(`
    CREATE OR REPLACE TEMP TABLE gen_person_days AS
    WITH hd AS (
      SELECT i % ${households} AS h, i // ${households} AS d
      FROM range(${households * days}) AS t(i)
      WHERE gen_u((i % ${households}) * ${days} + i // ${households}, 0, 'active') < ${p.activeShare}
    ),
    hh AS (
      SELECT h, d, gen_i(h, 0, 'region', ${p.regions}) AS region_idx FROM hd
    ),
    hh2 AS (
      SELECT *, gen_u(h, 0, 'shared') < CASE WHEN region_idx IN (${family}) THEN ${p.sharedShareFamily} ELSE ${p.sharedShareOther} END AS shared
      FROM hh
    ),
    members AS (
      SELECT hh2.*, m, h * 4 + m AS pid
      FROM hh2, range(4) AS r(m)
      WHERE m < CASE WHEN shared THEN 2 + gen_i(h, 0, 'size', 3) ELSE 1 END
        AND (m = 0 OR gen_u(h * 4 + m, d, 'co') < ${p.coActive})
    ),
    acts AS (
      SELECT members.*,
        gen_u(pid, d, 'session') < ${p.sessionShare} AS has_session,
        gen_u(pid, d, 'buy') AS buy_u
      FROM members
    )
    SELECT
      pid, h, d, region_idx, shared, has_session,
      CASE WHEN gen_u(pid, d, 'app') < ${p.appShare} THEN 'app' ELSE 'web' END AS channel,
      CASE
        WHEN has_session AND buy_u < ${p.onlineBuyInSession} THEN 'online'
        WHEN has_session AND buy_u < ${p.onlineBuyInSession + p.storeBuyAfterSession} THEN 'store'
        WHEN NOT has_session AND buy_u < ${p.storeBuyWithoutSession} THEN 'store'
        ELSE 'none'
      END AS purchase,
      'L' || lpad(CAST(pid AS VARCHAR), 9, '0') AS loyalty_id,
      CASE WHEN shared THEN 'home' || h || '@example.com' ELSE 'p' || pid || '@example.com' END AS email,
      'R' || lpad(CAST(region_idx + 1 AS VARCHAR), 2, '0') AS region
    FROM acts
  `);
  await lake.run(`
    CREATE OR REPLACE TABLE truth.sessions AS
    SELECT 's' || pid || '-' || d AS session_id, pid, d, region, purchase <> 'none' AS converted
    FROM gen_person_days WHERE has_session
  `);
  // Sessions and store receipts as views: each is computed where it is read, streaming, never held whole.
  await lake.run(`
    CREATE OR REPLACE TEMP VIEW gen_sessions AS
    SELECT pid, d, channel, loyalty_id, email, region, purchase,
      1 + gen_i(pid, d, 'browse', 4) AS n_browse,
      CASE WHEN purchase = 'online' THEN 1 + gen_i(pid, d, 'carts', 2)
           WHEN gen_u(pid, d, 'cart') < 0.5 THEN 1 ELSE 0 END AS n_cart,
      CASE WHEN purchase = 'online' THEN 2 ELSE 0 END AS n_buy,
      ${start} + to_days(d) + to_minutes(420 + gen_i(pid, d, 'start', 660)) AS started_at,
      channel = 'app' OR gen_u(pid, d, 'linked') < ${p.webLoyaltyLinked} AS linked
    FROM gen_person_days WHERE has_session;
    CREATE OR REPLACE TEMP VIEW gen_receipts AS
    SELECT pid, d, region_idx, loyalty_id, email, region,
      gen_u(pid, d, 'scan') < ${p.posLoyaltyScan} AS scanned,
      gen_u(pid, d, 'mask') < ${p.posMaskedEmail} AS masked,
      1 + gen_i(pid, d, 'lines', 3) AS n_lines,
      'ST' || lpad(CAST(region_idx * ${p.storesPerRegion} + gen_i(pid, d, 'store', ${p.storesPerRegion}) + 1 AS VARCHAR), 3, '0') AS store_id,
      ${start} + to_days(d) + to_minutes(540 + gen_i(pid, d, 'shop', 600)) AS bought_at
    FROM gen_person_days WHERE purchase = 'store';
  `);
  // Bronze cart/browse events in one streaming pass: browse 1-4, add_to_cart 0-2, then checkout and purchase for
  // online buyers; each clean event is followed by its Firehose re-send (if any) and its malformed copy under a new
  // id (if any), emitted by unnest instead of a UNION of three scans of a materialised CTE. Rows land in event-day
  // order, as a day's Firehose files do; late arrivals (+20 h) sit with their event day, so a received_at day window
  // reads that day's row groups and the day before's.
  await lake.run(`
    INSERT INTO retail_bronze.cart_events
    WITH ev AS (
      SELECT s.*, unnest(range(n_browse + n_cart + n_buy)) AS j FROM gen_sessions AS s
    ),
    g AS (
      SELECT
        'e' || pid || '-' || d || '-' || j AS event_id,
        CASE WHEN j < n_browse THEN 'browse' WHEN j < n_browse + n_cart THEN 'add_to_cart'
             WHEN j = n_browse + n_cart THEN 'checkout' ELSE 'purchase' END AS event_type,
        's' || pid || '-' || d AS session_id,
        channel,
        CASE WHEN linked THEN loyalty_id END AS loyalty_id,
        email,
        region,
        'SKU' || lpad(CAST(gen_i(pid, d * 16 + j, 'sku', ${p.skus}) AS VARCHAR), 4, '0') AS sku,
        CASE WHEN j >= n_browse THEN CAST(5 + gen_i(pid, d, 'price', 9500) / 100.0 AS DECIMAL(12, 2)) END AS revenue,
        started_at + to_minutes(j) AS event_ts,
        pid, d
      FROM ev
    ),
    base AS (
      SELECT g.*,
        event_ts + to_seconds(1 + gen_i(pid, d * 64 + 1, event_id, 30))
          + CASE WHEN gen_u(pid, d, 'late' || event_id) < ${p.lateShare} THEN INTERVAL 20 HOUR ELSE INTERVAL 0 HOUR END AS received_at,
        CAST(gen_u(pid, d, 'dup' || event_id) < ${p.duplicateShare} AS INTEGER) AS dup,
        CAST(gen_u(pid, d, 'bad' || event_id) < ${p.malformedShare} AS INTEGER) AS bad
      FROM g
    ),
    copies AS (
      -- c = 0: the event; c = 1 with dup: its re-send 5 minutes later; the last c otherwise: its malformed copy.
      SELECT base.*, unnest(range(1 + dup + bad)) AS c FROM base
    ),
    k AS (
      SELECT copies.*, CASE WHEN c > dup THEN gen_i(pid, d, 'kind' || event_id, 6) ELSE -1 END AS kind FROM copies
    )
    SELECT
      CASE WHEN kind = 0 THEN NULL WHEN kind > 0 THEN 'bad-' || event_id ELSE event_id END,
      CASE WHEN kind = 1 THEN 'wishlist' ELSE event_type END,
      CASE WHEN kind = 5 THEN '' ELSE session_id END,
      CASE WHEN kind = 2 THEN 'kiosk' ELSE channel END,
      loyalty_id, email, region, sku, 1,
      CASE WHEN kind = 3 THEN -coalesce(revenue, 1) ELSE revenue END,
      CASE WHEN kind = 4 THEN 'not-a-time' ELSE strftime(event_ts, '%Y-%m-%dT%H:%M:%SZ') END,
      received_at + CASE WHEN c = 1 AND dup = 1 THEN INTERVAL 5 MINUTE ELSE INTERVAL 0 MINUTE END
    FROM k
  `);
  // POS receipt lines, 1-3 per receipt, loyalty scan or not, email sometimes masked, some typed in capitals, in the
  // same single pass. POS clocks send local time with the store's offset; the merge converts back to UTC.
  await lake.run(`
    INSERT INTO retail_bronze.pos_transactions
    WITH lines AS (SELECT r.*, unnest(range(n_lines)) AS j FROM gen_receipts AS r),
    g AS (
      SELECT
        'p' || pid || '-' || d || '-' || j AS event_id,
        'r' || pid || '-' || d AS receipt_id,
        store_id,
        region,
        CASE WHEN scanned THEN loyalty_id END AS loyalty_id,
        CASE WHEN masked THEN substr(email, 1, 1) || '***@***.com'
             WHEN gen_u(pid, d, 'caps') < 0.1 THEN ' ' || upper(email) ELSE email END AS email,
        'SKU' || lpad(CAST(gen_i(pid, d * 16 + j, 'possku', ${p.skus}) AS VARCHAR), 4, '0') AS sku,
        CAST(3 + gen_i(pid, d * 16 + j, 'posprice', 6000) / 100.0 AS DECIMAL(12, 2)) AS revenue,
        bought_at AS event_ts,
        region_idx, pid, d
      FROM lines
    ),
    base AS (
      SELECT g.*,
        1 + region_idx % 2 AS offset_h,
        event_ts + to_seconds(1 + gen_i(pid, d * 64 + 2, event_id, 30))
          + CASE WHEN gen_u(pid, d, 'late' || event_id) < ${p.lateShare} THEN INTERVAL 20 HOUR ELSE INTERVAL 0 HOUR END AS received_at,
        CAST(gen_u(pid, d, 'dup' || event_id) < ${p.duplicateShare} AS INTEGER) AS dup,
        CAST(gen_u(pid, d, 'bad' || event_id) < ${p.malformedShare} AS INTEGER) AS bad
      FROM g
    ),
    copies AS (SELECT base.*, unnest(range(1 + dup + bad)) AS c FROM base),
    k AS (
      SELECT copies.*, CASE WHEN c > dup THEN gen_i(pid, d, 'kind' || event_id, 4) ELSE -1 END AS kind FROM copies
    )
    SELECT
      CASE WHEN kind = 0 THEN NULL WHEN kind > 0 THEN 'bad-' || event_id ELSE event_id END,
      receipt_id,
      CASE WHEN kind = 1 THEN NULL ELSE store_id END,
      region, loyalty_id, email, sku, 1,
      CASE WHEN kind = 2 THEN -revenue ELSE revenue END,
      CASE WHEN kind = 3 THEN '2026-02-30T25:00:00Z'
           WHEN kind >= 0 THEN strftime(event_ts, '%Y-%m-%dT%H:%M:%SZ')
           ELSE strftime(event_ts + to_hours(offset_h), '%Y-%m-%dT%H:%M:%S') || '+0' || offset_h || ':00' END,
      received_at + CASE WHEN c = 1 AND dup = 1 THEN INTERVAL 5 MINUTE ELSE INTERVAL 0 MINUTE END
    FROM k
  `);
  // Redemptions pay for some loyalty-scanned store lines and some linked online purchases, at checkout time.
  await lake.run(`
    INSERT INTO retail_bronze.loyalty_redemptions
    WITH paid AS (
      SELECT 'p' || pid || '-' || d || '-' || j AS event_id, loyalty_id, 'store' AS channel, bought_at AS event_ts, pid, d
      FROM (SELECT r.*, unnest(range(n_lines)) AS j FROM gen_receipts AS r WHERE scanned)
      UNION ALL
      SELECT 'e' || pid || '-' || d || '-' || (n_browse + n_cart + 1), loyalty_id, channel,
        started_at + to_minutes(n_browse + n_cart + 1), pid, d
      FROM gen_sessions WHERE purchase = 'online' AND linked
    )
    SELECT 'rd-' || event_id, loyalty_id, event_id, channel, 100 + gen_i(pid, d, 'points' || event_id, 900),
      strftime(event_ts + INTERVAL 1 MINUTE, '%Y-%m-%dT%H:%M:%SZ'), event_ts + INTERVAL 2 MINUTE
    FROM paid WHERE gen_u(pid, d, 'redeem' || event_id) < ${p.redemptionShare}
  `);
  // The CRM extract of the first day, landed at 06:00: every member, with the email they enrolled with (shared ones included).
  await lake.run(`
    INSERT INTO retail_bronze.loyalty_tier
    SELECT DISTINCT ON (loyalty_id) CAST(${start} AS DATE), loyalty_id,
      CASE gen_i(pid, 0, 'tier', 4) WHEN 0 THEN 'member' WHEN 1 THEN 'silver' WHEN 2 THEN 'gold' ELSE 'platinum' END,
      email, region, ${start} + INTERVAL 6 HOUR
    FROM gen_person_days
  `);
  // Daily inventory per location (stores and one DC per region) for a slice of the SKU range, landed at 06:00 that day.
  await lake.run(`
    INSERT INTO retail_bronze.erp_inventory
    WITH locations AS (
      SELECT 'ST' || lpad(CAST(i + 1 AS VARCHAR), 3, '0') AS location_id, 'store' AS location_type, i // ${p.storesPerRegion} AS r
      FROM range(${p.regions * p.storesPerRegion}) AS t(i)
      UNION ALL
      SELECT 'DC' || lpad(CAST(i + 1 AS VARCHAR), 2, '0'), 'dc', i FROM range(${p.regions}) AS t(i)
    ),
    stock AS (
      SELECT l.*, d, k, gen_i(hash(location_id), k, 'invsku', ${p.skus}) AS sku_i,
        gen_i(hash(location_id), d * 1000 + k, 'ordered', 40) AS ordered
      FROM locations AS l, range(${days}) AS dd(d), range(${skusPerLocation}) AS kk(k)
    )
    SELECT CAST(${start} + to_days(d) AS DATE), location_id, location_type,
      'R' || lpad(CAST(r + 1 AS VARCHAR), 2, '0'), 'SKU' || lpad(CAST(sku_i AS VARCHAR), 4, '0') || '-' || k,
      gen_i(hash(location_id), d * 1000 + k, 'onhand', 200),
      ordered,
      CAST(floor(ordered * (0.8 + 0.2 * gen_u(hash(location_id), d * 1000 + k, 'fill'))) AS INTEGER),
      ${start} + to_days(d) + INTERVAL 6 HOUR
    FROM stock
  `);
  // Ad platform touches and their truth (generateCampaigns.ts), from the sessions and receipts above.
  await generateCampaigns(lake, p);
  const [counts] = await lake.query(`
    SELECT (SELECT count(*) FROM retail_bronze.cart_events) AS cart,
      (SELECT count(*) FROM retail_bronze.pos_transactions) AS pos,
      (SELECT count(DISTINCT h) FROM gen_person_days) AS households,
      (SELECT count(DISTINCT pid) FROM gen_person_days) AS members
  `);
  await lake.run("DROP VIEW gen_sessions; DROP VIEW gen_receipts; DROP TABLE gen_person_days");
  return {
    cartEvents: Number(counts.cart),
    posLines: Number(counts.pos),
    households: Number(counts.households),
    members: Number(counts.members),
  };
}
