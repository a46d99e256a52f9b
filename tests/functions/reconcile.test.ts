import * as assert from "assert";
import { ACCOUNTING_FILE, driftRatio, isMismatch, runReconcile } from "../../functions/reconcile";
import { fakeRunner, RecordingAlerts } from "./fakes";

describe("reconcile tolerance boundary", () => {
  const table = { cart_events: "SELECT '{{day}}' AS d" };
  const statusOf = async (source: number, silver: number, tolerance: number) => {
    const runner = fakeRunner([[/./, [{ source_rows: source, silver_rows: silver }]]]);
    const alerts = new RecordingAlerts();
    const report = await runReconcile({ day: "2026-07-01" }, { tables: table, tolerance }, { runner, alerts, now: () => new Date() });
    const t = report.tables[0];
    assert.ok(t.status !== "error");
    return { status: t.status, drift: t.drift, alerted: alerts.messages.length };
  };

  it("is a mismatch when the drift equals the tolerance (exactly 0.1 % lost at 0.001) and alerts", async () => {
    assert.deepStrictEqual(await statusOf(100_000, 99_900, 0.001), { status: "mismatch", drift: 0.001, alerted: 1 });
    assert.deepStrictEqual(await statusOf(1000, 1001, 0.001), { status: "mismatch", drift: 0.001, alerted: 1 });
    assert.deepStrictEqual(await statusOf(250, 249, 0.004), { status: "mismatch", drift: 0.004, alerted: 1 });
  });

  it("is ok one row under the tolerance, and quiet", async () => {
    assert.deepStrictEqual(await statusOf(100_000, 99_901, 0.001), { status: "ok", drift: 0.00099, alerted: 0 });
    assert.deepStrictEqual(await statusOf(1000, 1000, 0.001), { status: "ok", drift: 0, alerted: 0 });
  });

  it("with a tolerance of 0 asks for exact counts: no drift is ok, one row is a mismatch", () => {
    assert.strictEqual(isMismatch(driftRatio(1_000_000, 1_000_000), 0), false);
    assert.strictEqual(isMismatch(driftRatio(1_000_000, 999_999), 0), true);
    assert.strictEqual(isMismatch(driftRatio(0, 0), 0), false);
    assert.strictEqual(isMismatch(driftRatio(0, 1), 0.5), true, "a silver row with no source row is a full drift");
  });
});

describe("reconcile: the exact accounting file (sql/reconcile/accounting.sql)", () => {
  const row = (product: string, bronze: number, silver: number, quarantined: number, duplicates: number) => ({
    product,
    bronze_rows: bronze,
    silver_rows: silver,
    quarantined_rows: quarantined,
    duplicate_rows: duplicates,
  });
  const run = async (rows: Record<string, unknown>[], tolerance: number) => {
    const alerts = new RecordingAlerts();
    const runner = fakeRunner([[/./, rows]]);
    const report = await runReconcile(
      { day: "2026-07-01" },
      { tables: { [ACCOUNTING_FILE]: "SELECT '{{day}}'" }, tolerance },
      { runner, alerts, now: () => new Date() },
    );
    return { report, alerts };
  };

  it("is ok when every bronze row is in silver, quarantine or duplicates, one result per product", async () => {
    const { report, alerts } = await run([row("cart_events", 1000, 980, 15, 5), row("pos_transactions", 10, 10, 0, 0)], 0.001);
    assert.deepStrictEqual(
      report.tables.map((t) => [t.table, t.status]),
      [
        ["accounting:cart_events", "ok"],
        ["accounting:pos_transactions", "ok"],
      ],
    );
    assert.deepStrictEqual(alerts.messages, []);
    assert.strictEqual(alerts.metric("UnaccountedRows", ["Table", "accounting:cart_events"]), 0);
  });

  it("alarms on one unaccounted row of a million, whatever the tolerance (exact), and on a row counted twice", async () => {
    const { report, alerts } = await run([row("cart_events", 1_000_000, 999_000, 990, 9), row("loyalty_tier", 5, 5, 1, 0)], 0.5);
    assert.deepStrictEqual(
      report.tables.map((t) => t.status),
      ["mismatch", "mismatch"],
    );
    assert.strictEqual(alerts.metric("UnaccountedRows", ["Table", "accounting:cart_events"]), 1);
    assert.strictEqual(alerts.metric("UnaccountedRows", ["Table", "accounting:loyalty_tier"]), -1);
    assert.match(
      alerts.messages[0].message,
      /UNACCOUNTED retail_bronze\.cart_events: 1000000 bronze rows, 999999 in silver, quarantine and duplicates \(1 unaccounted; exact, no tolerance\)/,
    );
  });

  it("fails the table naming the column when a count is missing, and when no row comes back", async () => {
    const bad = await run([{ product: "cart_events", bronze_rows: 3, silver_rows: 3, quarantined_rows: 0 }], 0).catch((e) => e.report);
    assert.match(bad.tables[0].error, /expected a numeric column duplicate_rows/);
    const none = await run([], 0).catch((e) => e.report);
    assert.match(none.tables[0].error, /returned no rows: expected one row per product/);
  });
});
