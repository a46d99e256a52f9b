import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { LocalLakehouse } from "../../../local/lakehouse/duckdb";
import { backfill, backfillWindows, BackfillError } from "../../../local/lakehouse/replay";
import { LateBridgeReport, runLateBridge } from "../../../local/lakehouse/scenario";
import { LOCAL_EMAIL_SALT } from "../../../local/lakehouse/run";
import { parseArgs, UsageError } from "../../../local/lakehouse/cli";

const ROOT = path.resolve(__dirname, "..", "..", "..");

describe("--scenario late-bridge: the CRM lands days late, gold runs store-only, a backfill re-resolves the gap", () => {
  let lake: LocalLakehouse;
  let report: LateBridgeReport;
  before(async () => {
    lake = await LocalLakehouse.open();
    report = await runLateBridge(lake, { events: 20000, seed: 3, days: 6, gapDays: 3, windowHours: 24 });
  });
  after(() => lake.close());

  it("measures a bad bridged error during the gap and a clean one after the backfill (≤ 2 %), with nothing unaccounted throughout", () => {
    const { before, after, final } = report;
    assert.strictEqual(before.mode, "store-only");
    assert.strictEqual(after.mode, "omnichannel");
    assert.ok(before.bridgedError > 0.04, `the gap's bridged error ${before.bridgedError} shows the unresolved identities`);
    assert.ok(before.error > after.error, `${before.error} > ${after.error}`);
    assert.ok(before.bridgedError > after.error);
    assert.ok(after.error <= 0.02, `after the backfill ${after.error}`);
    assert.ok(final.error <= 0.02, `at the end of the run ${final.error}`);
    assert.deepStrictEqual([before.unaccounted, after.unaccounted, final.unaccounted], [0, 0, 0]);
  });

  it("reports the backfill's windows, the rows it re-resolved and the switch-back checks it passed", () => {
    const { backfill: b, checks } = report;
    assert.deepStrictEqual([b.from, b.to, b.windowsDone], ["2026-06-01", "2026-06-04", 3]);
    assert.ok(b.rowsReresolved["retail_silver.cart_events"] > 0 && b.rowsReresolved["retail_silver.order_events"] > 0, JSON.stringify(b));
    assert.ok(checks.pass, JSON.stringify(checks));
    // The deployed backfill handler ran the replay (local/lakehouse/backfill.ts) and its own checks agree.
    assert.strictEqual(checks.handlerReady, true);
    assert.deepStrictEqual(
      checks.bridgeCoverage.map((c) => c.product),
      ["cart_events", "pos_transactions"],
    );
    assert.ok(checks.bridgeCoverage.every((c) => c.share >= 0.95 && c.purchases > 0));
    assert.deepStrictEqual([checks.reconciliationMismatches, checks.unaccounted], [0, 0]);
  });

  it("is idempotent: replaying the same range again re-resolves nothing and leaves silver as it was", async () => {
    const snapshot = () =>
      lake.query(`SELECT (SELECT count(*) FROM retail_silver.cart_events) AS cart, (SELECT count(loyalty_id) FROM retail_silver.cart_events) AS cart_ids,
        (SELECT count(*) FROM retail_silver.order_events) AS orders, (SELECT count(loyalty_id) FROM retail_silver.order_events) AS order_ids,
        (SELECT count(*) FROM retail_silver.quarantine) AS quarantined, (SELECT count(*) FROM retail_silver.duplicates) AS duplicates`);
    const before = await snapshot();
    const again = await backfill(lake, { from: "2026-06-01", to: "2026-06-04", windowHours: 12, emailSalt: LOCAL_EMAIL_SALT });
    assert.strictEqual(again.windowsDone, 6);
    assert.ok(
      Object.values(again.rowsReresolved).every((n) => n === 0),
      JSON.stringify(again.rowsReresolved),
    );
    assert.deepStrictEqual(await snapshot(), before);
    assert.ok(again.checks.pass);
  });

  it("refuses a bad range, window or product, naming the option and the fix", async () => {
    assert.throws(() => backfillWindows("2026-06-04", "2026-06-01", 24), /to 2026-06-01 is not after from 2026-06-04; the range is \[from, to\)/);
    assert.throws(() => backfillWindows("2026-06-01", "2026-06-31", 24), /to "2026-06-31" is not a calendar day; pass YYYY-MM-DD/);
    assert.throws(() => backfillWindows("2026-06-01", "2026-06-02", 5), /windowHours 5 must be a whole divisor of 24/);
    assert.deepStrictEqual(backfillWindows("2026-06-01", "2026-06-02", 12), [
      { start: "2026-06-01 00:00:00", end: "2026-06-01 12:00:00" },
      { start: "2026-06-01 12:00:00", end: "2026-06-02 00:00:00" },
    ]);
    await assert.rejects(
      backfill(lake, { from: "2026-06-01", to: "2026-06-02", windowHours: 24, emailSalt: LOCAL_EMAIL_SALT, products: ["carts"] }),
      (e: unknown) =>
        e instanceof BackfillError &&
        /unknown product carts; products are erp_inventory, loyalty_tier, campaign_attribution, cart_events/.test(e.message),
    );
  });
});

describe("lakehouse CLI: --scenario", () => {
  it("parses --scenario late-bridge with its defaults, and refuses what it cannot combine with", () => {
    assert.deepStrictEqual(parseArgs(["--scenario", "late-bridge", "--events", "100", "--seed", "1", "--days", "6"]).scenario, {
      name: "late-bridge",
      gapDays: 3,
      windowHours: 24,
    });
    assert.throws(() => parseArgs(["--scenario", "late-bridge", "--events", "1", "--seed", "1", "--fault", "id-collision"]), /drop --fault/);
    assert.throws(
      () => parseArgs(["--scenario", "late-bridge", "--events", "1", "--seed", "1", "--days", "3"]),
      (e: unknown) => e instanceof UsageError,
    );
    assert.throws(() => parseArgs(["--events", "1", "--seed", "1", "--gap-days", "2"]), /add --scenario late-bridge or drop them/);
    assert.throws(() => parseArgs(["--scenario", "late-bridge", "--events", "1", "--seed", "1", "--window-hours", "5"]), /must divide 24/);
  });

  it("prints the scenario as one JSON object with before, after, backfill and checks", function () {
    this.timeout(120_000);
    const run = spawnSync(
      "node",
      [
        "-r",
        "./local/register.js",
        "local/lakehouse/cli.ts",
        "--scenario",
        "late-bridge",
        "--events",
        "5000",
        "--seed",
        "1",
        "--days",
        "5",
        "--json",
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    assert.strictEqual(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.deepStrictEqual(Object.keys(out.scenario), ["gapDays", "crmArrival", "before", "after", "final", "backfill", "checks"]);
    assert.strictEqual(typeof out.scenario.before.error, "number");
    assert.strictEqual(out.scenario.after.unaccounted, 0);
  });
});
