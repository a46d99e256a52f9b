import { LocalLakehouse } from "./duckdb";

/**
 * Chaos for `--fault`: each kind plants rows a hostile or careless producer would send (or, for drop-silver, loses
 * silver rows after the merge), and `checkFault` reads the run's own tables to say whether the platform placed them
 * where they belong. Planted rows are copies of rows already in bronze, so the faults work on `--input` data too.
 */
export type Fault =
  | { readonly kind: "drop-silver"; readonly share: number }
  | { readonly kind: "id-collision" }
  | { readonly kind: "resend-late" }
  | { readonly kind: "future-events" }
  | { readonly kind: "forge-bridge" };

export const FAULT_KINDS = ["drop-silver", "id-collision", "resend-late", "future-events", "forge-bridge"] as const;

export interface FaultResult {
  readonly kind: Fault["kind"];
  /** Rows planted (or, for drop-silver, silver rows lost). */
  readonly injected: number;
  /** Whether this run's own report shows the fault: the rows where they belong, or a mismatch for lost rows. */
  readonly caught: boolean;
  readonly detail: string;
}

/** The same id from the web and from a POS, and id-less POS lines that differ only in email or where a '|' sits. */
const COLLISION_ID = "fault-collision-1001";
/** Re-sends of known orders four days later with a later event time. */
const RESEND_DAYS = 4;
const RESENDS = 20;
const FUTURE_EVENTS = 10;
/** forge-bridge: a loyalty id the CRM does not know, paired with a member's email. */
const FORGED_MEMBER = "fault-unknown-member";
/** forge-bridge: an email no CRM member holds, forged onto a member's id. */
const GUEST_EMAIL = "fault-guest@example.com";

const sqlText = (v: unknown) => `'${String(v).replace(/'/g, "''")}'`;

const count = async (lake: LocalLakehouse, sql: string) => Number((await lake.query(sql))[0].n);

/** Before the merge: plant the rows of id-collision and future-events. */
export async function plantBeforeMerge(lake: LocalLakehouse, fault: Fault): Promise<number> {
  if (fault.kind === "id-collision") {
    await lake.run(`INSERT INTO retail_bronze.cart_events
      SELECT * REPLACE ('${COLLISION_ID}' AS event_id) FROM retail_bronze.cart_events
      WHERE event_type = 'purchase' AND channel = 'web' AND revenue >= 0 AND trim(session_id) <> '' AND event_id IS NOT NULL
        AND received_at IS NOT NULL AND try(from_iso8601_timestamp(event_time)) IS NOT NULL
      ORDER BY event_id LIMIT 1`);
    const pos = `FROM retail_bronze.pos_transactions WHERE revenue >= 0 AND trim(store_id) <> '' AND event_id IS NOT NULL
      AND received_at IS NOT NULL AND try(from_iso8601_timestamp(event_time)) IS NOT NULL ORDER BY event_id LIMIT 1`;
    await lake.run(`INSERT INTO retail_bronze.pos_transactions SELECT * REPLACE ('${COLLISION_ID}' AS event_id) ${pos}`);
    await lake.run(`INSERT INTO retail_bronze.pos_transactions
      SELECT * REPLACE (NULL AS event_id, 'fault-a|b' AS receipt_id, 'c' AS store_id, 'one@example.com' AS email) ${pos}`);
    await lake.run(`INSERT INTO retail_bronze.pos_transactions
      SELECT * REPLACE (NULL AS event_id, 'fault-a|b' AS receipt_id, 'c' AS store_id, 'two@example.com' AS email) ${pos}`);
    await lake.run(`INSERT INTO retail_bronze.pos_transactions
      SELECT * REPLACE (NULL AS event_id, 'fault-a' AS receipt_id, 'b|c' AS store_id, 'one@example.com' AS email) ${pos}`);
    return 5;
  }
  if (fault.kind === "future-events") {
    await lake.run(`INSERT INTO retail_bronze.cart_events
      SELECT t.* REPLACE ('fault-future-' || CAST(r.n AS varchar) AS event_id, '2099-01-01T00:00:00Z' AS event_time)
      FROM (SELECT * FROM retail_bronze.cart_events WHERE event_id IS NOT NULL AND received_at IS NOT NULL ORDER BY event_id LIMIT 1) AS t,
        range(${FUTURE_EVENTS}) AS r(n)`);
    return count(lake, "SELECT count(*) AS n FROM retail_bronze.cart_events WHERE event_id LIKE 'fault-future-%'");
  }
  if (fault.kind === "forge-bridge") {
    // The two forged browse events: an unknown id with a member's (unshared) email, and that member's id with
    // a guest's email; then a purchase by each email with no loyalty scan, whose attribution the forgeries target.
    const [m] = await lake.query(`SELECT min(loyalty_id) AS member, min_by(email, loyalty_id) AS email FROM retail_bronze.loyalty_tier
      WHERE email IN (SELECT email FROM retail_bronze.loyalty_tier WHERE strpos(email, '@') > 0 AND strpos(email, '*') = 0
        GROUP BY email HAVING count(DISTINCT loyalty_id) = 1)`);
    if (m.member === null) return 0;
    await lake.run(`CREATE OR REPLACE TEMP TABLE fault_forge AS SELECT ${sqlText(m.member)} AS member`);
    const valid = `FROM retail_bronze.cart_events WHERE event_type = 'purchase' AND channel = 'web' AND revenue >= 0 AND trim(session_id) <> ''
      AND event_id IS NOT NULL AND received_at IS NOT NULL AND try(from_iso8601_timestamp(event_time)) IS NOT NULL ORDER BY event_id LIMIT 1`;
    const plant = (id: string, type: string, loyalty: string, email: unknown) =>
      lake.run(`INSERT INTO retail_bronze.cart_events SELECT * REPLACE ('${id}' AS event_id, '${type}' AS event_type,
        ${loyalty} AS loyalty_id, ${sqlText(email)} AS email, 'fault-session-' || '${id}' AS session_id) ${valid}`);
    await plant("fault-forge-1", "browse", `'${FORGED_MEMBER}'`, m.email);
    await plant("fault-forge-2", "browse", sqlText(m.member), GUEST_EMAIL);
    await plant("fault-buy-member", "purchase", "NULL", m.email);
    await plant("fault-buy-guest", "purchase", "NULL", GUEST_EMAIL);
    return 2;
  }
  return 0;
}

/**
 * After the main merge, for resend-late: re-send kept web and app orders four days later with a later event time,
 * and return the arrival window the platform's next merges would read them in.
 */
export async function plantResends(lake: LocalLakehouse): Promise<{ injected: number; window?: { start: string; end: string } }> {
  await lake.run(`CREATE OR REPLACE TEMP TABLE fault_resends AS
    SELECT b.* REPLACE (
        strftime(CAST(try(from_iso8601_timestamp(b.event_time)) AT TIME ZONE 'UTC' AS timestamp) + INTERVAL ${RESEND_DAYS} DAY, '%Y-%m-%dT%H:%M:%SZ') AS event_time,
        b.received_at + INTERVAL ${RESEND_DAYS} DAY AS received_at)
    FROM retail_bronze.cart_events AS b
    JOIN (SELECT event_id FROM retail_silver.order_events WHERE channel IN ('web', 'app') ORDER BY event_id LIMIT ${RESENDS}) AS o ON o.event_id = b.event_id
    QUALIFY row_number() OVER (PARTITION BY b.event_id ORDER BY b.received_at) = 1`);
  const [w] = await lake.query(`SELECT count(*) AS n, strftime(date_trunc('day', min(received_at)), '%Y-%m-%d %H:%M:%S') AS s,
    strftime(date_trunc('day', max(received_at)) + INTERVAL 1 DAY, '%Y-%m-%d %H:%M:%S') AS e FROM fault_resends`);
  await lake.run("INSERT INTO retail_bronze.cart_events SELECT * FROM fault_resends");
  const injected = Number(w.n);
  return { injected, window: injected > 0 ? { start: String(w.s), end: String(w.e) } : undefined };
}

/** After the merge, for drop-silver: lose that share of order and cart rows (the same ids in both). */
export async function dropSilver(lake: LocalLakehouse, share: number): Promise<number> {
  const cut = Math.round(share * 1_000_000);
  let lost = 0;
  for (const table of ["retail_silver.order_events", "retail_silver.cart_events"]) {
    lost += await count(lake, `SELECT count(*) AS n FROM ${table} WHERE hash(event_id, 'fault-drop-silver') % 1000000 < ${cut}`);
    await lake.run(`DELETE FROM ${table} WHERE hash(event_id, 'fault-drop-silver') % 1000000 < ${cut}`);
  }
  return lost;
}

/** Read the run's own tables and say whether the fault shows where it should. */
export async function checkFault(
  lake: LocalLakehouse,
  fault: Fault,
  injected: number,
  seen: { mismatchedTables: number; unaccounted: number },
): Promise<FaultResult> {
  if (fault.kind === "drop-silver") {
    const caught = injected === 0 || (seen.mismatchedTables > 0 && seen.unaccounted > 0);
    return { kind: fault.kind, injected, caught, detail: `${seen.mismatchedTables} reconciliation mismatches, ${seen.unaccounted} rows unaccounted` };
  }
  if (fault.kind === "id-collision") {
    const orders = await count(lake, `SELECT count(*) AS n FROM retail_silver.order_events WHERE event_id = '${COLLISION_ID}'`);
    const carts = await count(lake, `SELECT count(*) AS n FROM retail_silver.cart_events WHERE event_id = '${COLLISION_ID}'`);
    const idless = await count(
      lake,
      `SELECT count(*) AS n FROM retail_silver.quarantine WHERE source_table = 'pos_transactions' AND reason = 'missing_event_id' AND raw_payload LIKE '%fault-a%'`,
    );
    const caught = orders === 2 && carts === 1 && idless === 3 && seen.unaccounted === 0;
    return {
      kind: fault.kind,
      injected,
      caught,
      detail: `id ${COLLISION_ID}: ${orders} orders (web and store), ${carts} cart event; ${idless} of 3 id-less POS lines kept apart in quarantine`,
    };
  }
  if (fault.kind === "resend-late") {
    const doubled = await count(
      lake,
      "SELECT count(*) AS n FROM (SELECT event_id FROM retail_silver.order_events WHERE channel IN ('web', 'app') GROUP BY event_id HAVING count(*) > 1)",
    );
    const recorded = await count(
      lake,
      `SELECT count(DISTINCT q.event_id) AS n FROM retail_silver.quarantine AS q JOIN fault_resends AS r ON r.event_id = q.event_id
       WHERE q.source_table = 'cart_events' AND q.reason = 'conflicting_duplicate'`,
    );
    const caught = doubled === 0 && recorded === injected && seen.unaccounted === 0;
    return { kind: fault.kind, injected, caught, detail: `${doubled} orders inserted twice; ${recorded} re-sends recorded as conflicting_duplicate` };
  }
  if (fault.kind === "forge-bridge") {
    if (injected === 0) return { kind: fault.kind, injected, caught: true, detail: "no CRM member with an unshared email to forge" };
    const [a] = await lake.query(`SELECT
      (SELECT loyalty_id FROM retail_silver.order_events WHERE event_id = 'fault-buy-member') AS member_buy,
      (SELECT loyalty_id FROM retail_silver.order_events WHERE event_id = 'fault-buy-guest') AS guest_buy,
      (SELECT member FROM fault_forge) AS member`);
    const caught = a.member_buy === a.member && a.guest_buy === null && seen.unaccounted === 0;
    return {
      kind: fault.kind,
      injected,
      caught,
      detail: `the member's unscanned purchase resolves to ${a.member_buy ?? "nobody"} (want ${a.member}); the guest's to ${a.guest_buy ?? "nobody"} (want nobody)`,
    };
  }
  const leaked = await count(lake, "SELECT count(*) AS n FROM retail_silver.cart_events WHERE event_id LIKE 'fault-future-%'");
  const refused = await count(
    lake,
    "SELECT count(*) AS n FROM retail_silver.quarantine WHERE event_id LIKE 'fault-future-%' AND reason = 'future_event_time'",
  );
  const caught = leaked === 0 && refused === injected && seen.unaccounted === 0;
  return { kind: fault.kind, injected, caught, detail: `${refused} events dated 2099 quarantined as future_event_time, ${leaked} in silver` };
}
