import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { parseArgs, parseFault, UsageError } from "../../../local/lakehouse/cli";

const ROOT = path.resolve(__dirname, "..", "..", "..");

describe("lakehouse CLI arguments", () => {
  it("parses the contract's options with --days defaulting to 30", () => {
    assert.deepStrictEqual(parseArgs(["--events", "1000", "--seed", "7", "--json"]), {
      events: 1000,
      seed: 7,
      days: 30,
      fault: undefined,
      json: true,
      report: undefined,
    });
    assert.strictEqual(parseArgs(["--events", "10", "--seed", "1", "--report", "out/d.html"]).report, "out/d.html");
    assert.deepStrictEqual(parseFault("drop-silver=0.01"), { kind: "drop-silver", share: 0.01 });
    assert.strictEqual(parseArgs(["--events", "10", "--seed", "1", "--erase", "10"]).erase, 10);
    assert.throws(() => parseArgs(["--events", "10", "--seed", "1", "--erase", "0"]), /--erase "0" is not a whole number from 1 to 100000/);
    for (const kind of ["id-collision", "resend-late", "future-events", "forge-bridge"]) assert.deepStrictEqual(parseFault(kind), { kind });
    assert.deepStrictEqual(parseArgs(["--input", "in", "--out", "out"]), {
      events: 0,
      seed: 0,
      days: 30,
      fault: undefined,
      input: "in",
      out: "out",
      json: false,
      report: undefined,
    });
  });

  it("names the option, the value and the fix for bad input", () => {
    assert.throws(
      () => parseArgs(["--events", "1e6", "--seed", "1"]),
      (e: Error) => e instanceof UsageError && /--events "1e6" is not a whole number/.test(e.message),
    );
    assert.throws(() => parseArgs(["--events", "10", "--seed", "-1"]), UsageError);
    assert.throws(() => parseArgs(["--events", "10", "--seed", "1", "--days", "0"]), /--days "0" is not a whole number from 1 to 366/);
    assert.throws(() => parseArgs(["--events", "10", "--seed", "1", "--fault", "drop-silver=2"]), /use drop-silver=<share> with 0 < share <= 1/);
    assert.throws(
      () => parseArgs(["--events", "10", "--seed", "1", "--fault", "collision"]),
      /or one of id-collision, resend-late, future-events, forge-bridge/,
    );
    assert.throws(() => parseArgs(["--input", "d", "--events", "10"]), /--input reads your rows; drop --events and --seed/);
    assert.throws(() => parseArgs(["--input", "d", "--report", "x.html"]), /--report compares with the generator's truth/);
    assert.throws(() => parseArgs(["--seed", "1"]), /required option '--events <N>'/);
  });

  it("exits 2 with the message on stderr", () => {
    const r = spawnSync(process.execPath, ["-r", "./local/register.js", "local/lakehouse/cli.ts", "--events", "x", "--seed", "1"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /--events "x" is not a whole number/);
  });

  it("prints exactly the design.md JSON and turns reconciliation to mismatch under --fault drop-silver", () => {
    const r = spawnSync(
      process.execPath,
      [
        "-r",
        "./local/register.js",
        "local/lakehouse/cli.ts",
        "--events",
        "10000",
        "--seed",
        "3",
        "--days",
        "5",
        "--fault",
        "drop-silver=0.05",
        "--json",
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    assert.strictEqual(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepStrictEqual(Object.keys(out), [
      "events",
      "seconds",
      "truth",
      "naive",
      "bridged",
      "reconciliation",
      "pruning",
      "refreshBytes",
      "accounting",
      "quarantineReasons",
      "fault",
    ]);
    // gold is the platform's aggregation; accuracy the offline truth/naive measurement, timed apart from it.
    assert.deepStrictEqual(Object.keys(out.seconds), ["generate", "merge", "gold", "accuracy", "reconcile", "accounting", "pruning"]);
    // The lost rows are unaccounted for, in the report of the run that lost them.
    assert.ok(out.accounting.cart_events.unaccounted > 0 && out.accounting.pos_transactions.unaccounted > 0, JSON.stringify(out.accounting));
    assert.strictEqual(out.fault.kind, "drop-silver");
    assert.strictEqual(out.fault.caught, true);
    assert.deepStrictEqual(Object.keys(out.naive), ["conversion_rate", "error", "maxRegionConversionRate"]);
    assert.deepStrictEqual(Object.keys(out.pruning), ["oneDayBytes", "allDaysBytes", "ratio"]);
    const status = Object.fromEntries(out.reconciliation.map((r: { table: string; status: string }) => [r.table, r.status]));
    assert.deepStrictEqual(status, {
      campaign_attribution: "ok",
      cart_events: "mismatch",
      order_events: "mismatch",
      loyalty_redemptions: "ok",
      erp_inventory: "ok",
      loyalty_tier: "ok",
    });
    assert.ok(out.pruning.ratio > 0 && out.pruning.ratio <= 0.5, `ratio ${out.pruning.ratio}`);
    // Each SPICE KPI's dataset SQL at 1 and 30 days, ending on the last of the 5 days: the 1-day refresh returns one
    // day, the 30-day one all 5, and reads several times the bytes (the window prunes day partitions).
    assert.deepStrictEqual(Object.keys(out.refreshBytes), ["conversion_rate", "cart_abandonment", "loyalty_redemption_rate", "campaign_roas"]);
    for (const [kpi, r] of Object.entries(
      out.refreshBytes as Record<string, { days1: number; days30: number; ratio: number; daysReturned: number[] }>,
    )) {
      assert.deepStrictEqual(r.daysReturned, [1, 5], kpi);
      assert.ok(r.days1 > 0 && r.ratio > 2 && r.ratio <= 5.5, `${kpi}: ${JSON.stringify(r)}`);
    }
  });
});
