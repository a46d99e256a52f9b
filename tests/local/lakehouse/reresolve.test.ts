import * as assert from "assert";
import { LocalLakehouse } from "../../../local/lakehouse/duckdb";
import { localReresolveSettings, mergeWindow } from "../../../local/lakehouse/pipeline";
import { runReresolve } from "../../../functions/reresolve";
import { RERESOLVE_CLEANUP_FILE, RERESOLVE_PENDING_FILE } from "../../../core/reresolve";
import { loadSql } from "../../../core/sql/files";
import { renderSql } from "../../../core/sql/render";
import { splitStatements } from "../../../core/sql/text";
import { FIXTURE_SALT, FIXTURE_WINDOW, LOYALTY_ROWS, loadFixture } from "./fixture";

/**
 * The fixture's day merged before the loyalty CRM arrived (the seed's incident): the bridge is empty, so erin's and
 * dave's anonymous sessions and erin's unscanned receipt merge with no loyalty_id. Then the CRM lands and a replay of
 * the window (its bridge refresh changes rows) runs the re-resolution (sql/reresolve/), as the merge function does.
 */
async function mergedBeforeCrm(lake: LocalLakehouse): Promise<void> {
  await loadFixture(lake);
  await lake.run("DELETE FROM retail_bronze.loyalty_tier");
  await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
}

async function landCrm(lake: LocalLakehouse, snapshotDay = "2026-07-01"): Promise<void> {
  await lake.run(`INSERT INTO retail_bronze.loyalty_tier VALUES ${LOYALTY_ROWS.join(",\n")}`);
  if (snapshotDay !== "2026-07-01") await lake.run(`UPDATE retail_bronze.loyalty_tier SET snapshot_date = DATE '${snapshotDay}'`);
}

const loyalty = async (lake: LocalLakehouse) =>
  Object.fromEntries(
    (
      await lake.query(`SELECT 'cart:' || event_id AS k, loyalty_id FROM retail_silver.cart_events
        UNION ALL SELECT 'order:' || event_id, loyalty_id FROM retail_silver.order_events ORDER BY 1`)
    ).map((r) => [String(r.k), r.loyalty_id]),
  );

const sideRows = async (lake: LocalLakehouse) =>
  (await lake.query("SELECT source_table || ':' || event_id AS k FROM retail_silver.unresolved_identities ORDER BY 1")).map((r) => String(r.k));

/** The run the platform would have made had the CRM been on time. */
async function cleanLoyalty(): Promise<Record<string, unknown>> {
  const lake = await LocalLakehouse.open();
  try {
    await loadFixture(lake);
    await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
    return await loyalty(lake);
  } finally {
    lake.close();
  }
}

describe("identity re-resolution over history (sql/reresolve/ on the local lakehouse)", () => {
  let lake: LocalLakehouse;
  beforeEach(async () => {
    lake = await LocalLakehouse.open();
  });
  afterEach(() => lake.close());

  it("records the rows merged unresolved with a usable email, once, and no scanned or masked row", async () => {
    await mergedBeforeCrm(lake);
    const recorded = [
      "cart_events:c10",
      "cart_events:c11",
      "cart_events:c12",
      "cart_events:c4",
      "cart_events:c5",
      "cart_events:c9",
      "pos_transactions:p3",
      "pos_transactions:p5",
    ];
    assert.deepStrictEqual(await sideRows(lake), recorded, "dave's masked receipt p4 has no email_hash; scanned rows resolve");
    await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
    assert.deepStrictEqual(await sideRows(lake), recorded, "a re-read window records nothing twice");
  });

  it("fixes a purchase merged before its CRM link, as a clean run would have resolved it; the household and guest stay open", async () => {
    await mergedBeforeCrm(lake);
    assert.strictEqual((await loyalty(lake))["order:p5"], null, "erin's unscanned receipt merged unresolved");
    await landCrm(lake);
    // The CRM's snapshot day is replayed (a backfill of the gap): its merge lands the extract, its bridge the links.
    const report = await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
    assert.ok(report.bridgeRowsChanged > 0);
    // Erin: c10, c11 and p5; dave: c9. p3 and c4/c5 carry the household email, c12 a guest's.
    assert.deepStrictEqual(report.rowsReresolved, { "retail_silver.cart_events": 3, "retail_silver.order_events": 1 });
    const after = await loyalty(lake);
    assert.strictEqual(after["order:p5"], "L5");
    assert.deepStrictEqual(after, await cleanLoyalty());
    assert.deepStrictEqual(await sideRows(lake), ["cart_events:c12", "cart_events:c4", "cart_events:c5", "pos_transactions:p3"]);
  });

  it("is idempotent: a second run finds nothing pending and changes 0 rows", async () => {
    await mergedBeforeCrm(lake);
    await landCrm(lake);
    await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
    const before = await loyalty(lake);
    const again = await runReresolve(localReresolveSettings(), new Date("2026-07-03T00:10:00Z"), lake);
    assert.deepStrictEqual(again, { pending: 0, daysApplied: [], daysLeft: 0, rowsByTable: {} });
    assert.deepStrictEqual(await loyalty(lake), before);
  });

  it("a run retried after failing before its cleanup changes 0 rows: only NULL loyalty_ids are set", async () => {
    await mergedBeforeCrm(lake);
    await landCrm(lake);
    const window = { window_start: FIXTURE_WINDOW.start, window_end: FIXTURE_WINDOW.end };
    await lake.runFile("merge/loyalty_tier.sql", window);
    await lake.runFile("bridge/identity_bridge.sql", window);
    const end = new Date("2026-07-03T00:00:00Z");
    // The updates committed, then the run failed: the side rows they applied are still there.
    const first = await runReresolve({ ...localReresolveSettings(), cleanup: [] }, end, lake);
    assert.deepStrictEqual(first.rowsByTable, { "retail_silver.cart_events": 3, "retail_silver.order_events": 1 });
    const retry = await runReresolve(localReresolveSettings(), end, lake);
    assert.strictEqual(retry.pending, 4, "the applied side rows are pending again");
    assert.deepStrictEqual(retry.rowsByTable, { "retail_silver.cart_events": 0, "retail_silver.order_events": 0 });
    assert.deepStrictEqual(await sideRows(lake), ["cart_events:c12", "cart_events:c4", "cart_events:c5", "pos_transactions:p3"]);
  });

  it("leaves a row outside the horizon unresolved and drops its side row", async () => {
    await mergedBeforeCrm(lake);
    // The CRM lands 45 days later: a 30-day horizon starts on 2026-07-16, after the fixture's day.
    await landCrm(lake, "2026-08-15");
    const report = await mergeWindow(lake, { start: "2026-08-15 00:00:00", end: "2026-08-15 00:05:00" }, FIXTURE_SALT, {
      reresolveHorizonDays: 30,
    });
    assert.ok(report.bridgeRowsChanged > 0, "the bridge learned the CRM's links");
    assert.deepStrictEqual(report.rowsReresolved, {});
    assert.strictEqual((await loyalty(lake))["order:p5"], null);
    assert.deepStrictEqual(await sideRows(lake), [], "side rows older than the horizon go");
  });

  it("a forged pair changes no attribution: an unknown id with a member's email, a member's id with a guest's email", async () => {
    await loadFixture(lake);
    await lake.run("DELETE FROM retail_bronze.loyalty_tier");
    // During the gap: LX (no member) browses with erin's email; alice's id (L1) browses with the guest frank's email.
    await lake.run(`INSERT INTO retail_bronze.cart_events SELECT * REPLACE ('forge-1' AS event_id, 'LX' AS loyalty_id, 'erin@example.com' AS email)
      FROM retail_bronze.cart_events WHERE event_id = 'c12'`);
    await lake.run(`INSERT INTO retail_bronze.cart_events SELECT * REPLACE ('forge-2' AS event_id, 'L1' AS loyalty_id, 'frank@example.com' AS email)
      FROM retail_bronze.cart_events WHERE event_id = 'c12'`);
    await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
    await landCrm(lake);
    const report = await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
    const after = await loyalty(lake);
    assert.strictEqual(after["cart:c12"], null, "the guest's session is credited to nobody, not to alice");
    assert.strictEqual(after["order:p5"], "L5", "erin's receipt goes to erin, not to LX");
    assert.deepStrictEqual(report.rowsReresolved, { "retail_silver.cart_events": 3, "retail_silver.order_events": 1 });
    const [forged] = await lake.query(
      "SELECT count(*) AS n FROM retail_silver.identity_bridge WHERE loyalty_id = 'LX' OR (loyalty_id = 'L1' AND source <> 'loyalty_tier')",
    );
    assert.strictEqual(Number(forged.n), 0);
  });

  it("erasure removes the member's side rows and keeps the others'; the retention drops side rows past the cutoff", async () => {
    await mergedBeforeCrm(lake);
    // The CRM reaches silver and the bridge, but no re-resolution has run yet: erin's rows are still open.
    await landCrm(lake);
    const window = { window_start: FIXTURE_WINDOW.start, window_end: FIXTURE_WINDOW.end };
    await lake.runFile("merge/loyalty_tier.sql", window);
    await lake.runFile("bridge/identity_bridge.sql", window);
    await lake.runFile("erasure/member.sql", { loyalty_id: "L5" });
    assert.deepStrictEqual(await sideRows(lake), ["cart_events:c12", "cart_events:c4", "cart_events:c5", "cart_events:c9", "pos_transactions:p3"]);
    await lake.runFile("retention/raw_email.sql", { cutoff: "2026-07-01" });
    assert.strictEqual((await sideRows(lake)).length, 5, "first seen on the cutoff day: kept");
    await lake.runFile("retention/raw_email.sql", { cutoff: "2026-07-02" });
    assert.deepStrictEqual(await sideRows(lake), []);
  });

  it("erasing one member of a household removes the shared email's anonymous rows and side rows too: they may be that member's, so they are never re-resolved to the other", async () => {
    await mergedBeforeCrm(lake);
    await landCrm(lake);
    const window = { window_start: FIXTURE_WINDOW.start, window_end: FIXTURE_WINDOW.end };
    await lake.runFile("merge/loyalty_tier.sql", window);
    await lake.runFile("bridge/identity_bridge.sql", window);
    // home@family.com belongs to L2 and L3 (ambiguous: never resolved); after L2 is erased it would resolve to L3 alone.
    await lake.runFile("erasure/member.sql", { loyalty_id: "L2" });
    assert.deepStrictEqual(await sideRows(lake), ["cart_events:c10", "cart_events:c11", "cart_events:c12", "cart_events:c9", "pos_transactions:p5"]);
    await runReresolve(localReresolveSettings(), new Date("2026-07-03T00:10:00Z"), lake);
    const after = await loyalty(lake);
    // The shared email's anonymous rows went with L2 (sql/erasure/member.sql: they may be L2's); L3's scanned ones stay.
    for (const k of ["cart:c4", "cart:c5", "order:p3"]) assert.ok(!(k in after), `${k} is erased, not credited to L3 (${after[k]})`);
    for (const k of ["cart:c6", "cart:c7", "order:w3"]) assert.strictEqual(after[k], "L3", k);
  });

  it("the horizon and the raw-email retention agree: a side row first seen before the horizon is neither pending nor kept, so retention never drops a row the horizon still promises", async () => {
    await lake.run(`INSERT INTO retail_silver.identity_bridge (email_hash, loyalty_id, source, first_seen, last_seen)
      SELECT 'h1', 'L1', 'loyalty_tier', TIMESTAMP '2026-06-01 00:00:00', TIMESTAMP '2026-06-01 00:00:00'`);
    // Both event days are inside a 30-day horizon from 2026-07-01 (it starts 2026-06-01); the first row's event time
    // ran 10 minutes ahead of its arrival (within the merge's clock-skew bound), so it arrived the day before.
    await lake.run(`INSERT INTO retail_silver.unresolved_identities VALUES
      ('cart_events', 'edge', 'h1', TIMESTAMP '2026-06-01 00:05:00', TIMESTAMP '2026-05-31 23:55:00'),
      ('cart_events', 'inside', 'h1', TIMESTAMP '2026-06-02 10:00:00', TIMESTAMP '2026-06-02 10:01:00')`);
    const horizonStart = "2026-06-01 00:00:00";
    const pending = await lake.query(renderSql(loadSql(RERESOLVE_PENDING_FILE), { horizon_start: horizonStart }));
    assert.deepStrictEqual(
      pending.map((r) => [r.day, Number(r.pending)]),
      [["2026-06-02", 1]],
      "the edge row is outside the horizon by its arrival",
    );
    // The retention at the same length (30 days on 2026-07-01) drops exactly the edge row; the cleanup drops it as well.
    const retained = await LocalLakehouse.open();
    try {
      await retained.run(`INSERT INTO retail_silver.unresolved_identities SELECT * FROM (VALUES
        ('cart_events', 'edge', 'h1', TIMESTAMP '2026-06-01 00:05:00', TIMESTAMP '2026-05-31 23:55:00'),
        ('cart_events', 'inside', 'h1', TIMESTAMP '2026-06-02 10:00:00', TIMESTAMP '2026-06-02 10:01:00'))`);
      await retained.runFile("retention/raw_email.sql", { cutoff: "2026-06-01" });
      assert.deepStrictEqual(await sideRows(retained), ["cart_events:inside"]);
    } finally {
      retained.close();
    }
    for (const statement of splitStatements(loadSql(RERESOLVE_CLEANUP_FILE)).filter((q) => !q.includes("{{reresolve_from}}"))) {
      await lake.run(renderSql(statement, { horizon_start: horizonStart }));
    }
    assert.deepStrictEqual(await sideRows(lake), ["cart_events:inside"]);
  });

  it("the record's mark outlives the horizon's cleanup and the raw-email retention: after a long outage the next identity run still reads from it", async () => {
    // Identity runs stopped 40 days ago: the mark is older than a 30-day horizon and the retention cutoff.
    await lake.run(`INSERT INTO retail_silver.unresolved_identities VALUES
      ('recorded_through', 'cart_events', NULL, TIMESTAMP '2026-05-22 10:00:00', TIMESTAMP '2026-05-22 10:00:00'),
      ('cart_events', 'stale', 'h1', TIMESTAMP '2026-05-22 09:00:00', TIMESTAMP '2026-05-22 09:01:00')`);
    await runReresolve(localReresolveSettings(30), new Date("2026-07-01T10:00:00Z"), lake);
    await lake.runFile("retention/raw_email.sql", { cutoff: "2026-06-01" });
    assert.deepStrictEqual(await sideRows(lake), ["recorded_through:cart_events"], "the stale side row goes, the mark stays");
  });
});
