import * as assert from "assert";
import { BackfillDeps, BackfillError, BackfillEvent, BackfillSettings, MergeInvocation, runBackfill } from "../../functions/backfill";
import { MergeEvent } from "../../functions/merge";
import { loadSql } from "../../core/sql/files";
import { fakeRunner, RecordingAlerts } from "./fakes";
import { Row } from "../../functions/queryRunner";

const NOW = Date.parse("2026-11-25T12:00:00Z");
const SETTINGS: BackfillSettings = {
  products: ["cart_events", "pos_transactions", "loyalty_tier"],
  rawEmailRetentionDays: 30,
  timeoutSeconds: 900,
  mergeTimeoutSeconds: 120,
  coverage: { sql: loadSql("coverage/bridge_coverage.sql"), min: 0.95 },
  accountingSql: loadSql("reconcile/accounting.sql"),
  checkQuerySeconds: 240,
};
const EVENT: BackfillEvent = {
  products: ["cart_events", "pos_transactions"],
  from: "2026-11-20T18:00:00Z",
  to: "2026-11-21T06:00:00Z",
  windowHours: 6,
};
const accountingRow = (product: string, unaccounted = 0): Row => ({
  product,
  bronze_rows: 100 + unaccounted,
  silver_rows: 90,
  quarantined_rows: 4,
  duplicate_rows: 6,
});
const CLEAN: [RegExp, Row[]][] = [
  [
    /FROM retail_silver\.order_events\s+WHERE event_ts >= TIMESTAMP '2026-11-20 18:00:00'/,
    [
      { product: "cart_events", purchases: 1000, resolved: 980 },
      { product: "pos_transactions", purchases: 400, resolved: 390 },
    ],
  ],
  [/DATE '2026-11-2\d'/, [accountingRow("cart_events"), accountingRow("pos_transactions")]],
];

/** Deps on a virtual clock: each merge takes `mergeMs`, sleeps pass time, the invocation has `budgetMs`. */
function harness(
  options: { budgetMs?: number; mergeMs?: number; answer?: (e: MergeEvent, n: number) => MergeInvocation; rules?: [RegExp, Row[] | Error][] } = {},
) {
  let t = 0;
  const budget = options.budgetMs ?? 900_000;
  const merges: MergeEvent[] = [];
  const continued: BackfillEvent[] = [];
  const slept: number[] = [];
  const logs: Record<string, unknown>[] = [];
  const alerts = new RecordingAlerts();
  const runner = fakeRunner(options.rules ?? CLEAN);
  const deps: BackfillDeps = {
    invokeMerge: async (e) => {
      merges.push(e);
      t += options.mergeMs ?? 30_000;
      return options.answer?.(e, merges.length) ?? { status: "merged", rowsByTable: { [`retail_silver.${e.product}`]: merges.length } };
    },
    continueWith: async (e) => {
      continued.push(JSON.parse(JSON.stringify(e)));
    },
    runner,
    alerts,
    now: () => new Date(NOW + t),
    remainingMs: () => budget - t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
    log: (line) => logs.push(line),
  };
  return { deps, merges, continued, slept, logs, alerts, runner };
}
const merged = (m: MergeEvent) => `${m.product}@${m.scheduledTime}/${m.lookbackMinutes}`;

describe("backfill handler (functions/backfill.ts)", () => {
  it("merges every product of every window once, in order, one window per invocation of the merge, then hands the checks over", async () => {
    const h = harness();
    const report = await runBackfill(EVENT, SETTINGS, h.deps);
    assert.deepStrictEqual(
      h.merges.map(merged),
      [
        "cart_events@2026-11-21T00:00:00.000Z/360",
        "pos_transactions@2026-11-21T00:00:00.000Z/360",
        "cart_events@2026-11-21T06:00:00.000Z/360",
        "pos_transactions@2026-11-21T06:00:00.000Z/360",
      ],
      "18:00 to midnight, then midnight to 06:00: no window crosses midnight",
    );
    assert.strictEqual(report.status, "continued");
    assert.deepStrictEqual(h.continued, [{ ...EVENT, cursor: "2026-11-21T06:00:00.000Z" }], "the checks run in an invocation of their own");
    assert.deepStrictEqual(h.runner.statements, [], "no check ran beside the merges");
    assert.deepStrictEqual(h.logs[1], {
      backfill: "2026-11-20T18:00:00.000Z..2026-11-21T06:00:00.000Z cart_events,pos_transactions",
      product: "pos_transactions",
      window: { start: "2026-11-20T18:00:00.000Z", end: "2026-11-21T00:00:00.000Z" },
      rowsByTable: { "retail_silver.pos_transactions": 2 },
      cursor: "2026-11-21T00:00:00.000Z",
    });
    assert.deepStrictEqual(h.logs[0].cursor, "2026-11-20T18:00:00.000Z");
    assert.deepStrictEqual(h.logs[0].cursorProduct, "pos_transactions", "resuming after the first line re-merges nothing done");
    const remaining = h.alerts.metrics.filter((m) => m.name === "BackfillWindowsRemaining").map((m) => m.value);
    const done = h.alerts.metrics.filter((m) => m.name === "BackfillWindowsDone").map((m) => m.value);
    assert.deepStrictEqual(
      [done, remaining],
      [
        [1, 2],
        [1, 0],
      ],
    );
    assert.ok(h.alerts.metrics.every((m) => m.dimensions?.Run === report.run));
  });

  it("leaves the merge's slot free between its merges for as long as the last merge held it (5 s to 5 min)", async () => {
    const h = harness({ mergeMs: 40_000 });
    await runBackfill(EVENT, SETTINGS, h.deps);
    assert.deepStrictEqual(h.slept, [40_000, 40_000, 40_000, 40_000], "and before handing over to the checks");
    const fast = harness({ mergeMs: 1_000 });
    await runBackfill(EVENT, SETTINGS, fast.deps);
    assert.deepStrictEqual(fast.slept, [5_000, 5_000, 5_000, 5_000]);
  });

  it("resumes at the cursor and its product: windows and products before them are not merged again", async () => {
    const h = harness();
    await runBackfill({ ...EVENT, cursor: "2026-11-21T00:00:00Z", cursorProduct: "pos_transactions" }, SETTINGS, h.deps);
    assert.deepStrictEqual(h.merges.map(merged), ["pos_transactions@2026-11-21T06:00:00.000Z/360"]);
    const metrics = h.alerts.metrics.map((m) => [m.name, m.value]);
    assert.deepStrictEqual(metrics, [
      ["BackfillWindowsDone", 2],
      ["BackfillWindowsRemaining", 0],
    ]);
  });

  it("hands over to itself with the cursor of the first merge not done when time runs low", async () => {
    // Each merge takes 100 s and the pause after it as long; a merge starts only with its pause and 180 s (timeout + margin) left.
    const h = harness({ mergeMs: 100_000, budgetMs: 500_000 });
    const report = await runBackfill(EVENT, SETTINGS, h.deps);
    assert.deepStrictEqual(h.merges.map(merged), ["cart_events@2026-11-21T00:00:00.000Z/360", "pos_transactions@2026-11-21T00:00:00.000Z/360"]);
    assert.deepStrictEqual(h.continued, [{ ...EVENT, cursor: "2026-11-21T00:00:00.000Z", cursorProduct: "cart_events" }]);
    assert.deepStrictEqual(report.next, { cursor: "2026-11-21T00:00:00.000Z", cursorProduct: "cart_events" });
    assert.deepStrictEqual(h.slept, [100_000, 100_000], "the pause after the last merge comes before the hand-over too");
    assert.strictEqual(report.windowsRemaining, 1);
  });

  it("waits and retries while a scheduled merge holds the slot, backing off", async () => {
    const h = harness({ answer: (_e, n) => (n <= 3 ? { status: "throttled", message: "Rate Exceeded." } : undefined!) });
    await runBackfill({ ...EVENT, products: ["cart_events"], windowHours: 24 }, SETTINGS, h.deps);
    assert.deepStrictEqual(h.slept, [2_000, 4_000, 8_000, 30_000, 30_000], "backing off, then pausing as long as the merge that ran held the slot");
    assert.deepStrictEqual(h.merges.map(merged).slice(0, 4), Array(4).fill("cart_events@2026-11-21T00:00:00.000Z/360"));
  });

  it("fails, naming the product and the window, when the merge function returns an error; and does not go on", async () => {
    const h = harness({
      answer: (e) => (e.product === "pos_transactions" ? { status: "failed", message: "Unhandled error, MergeError: boom" } : undefined!),
    });
    await assert.rejects(
      runBackfill(EVENT, SETTINGS, h.deps),
      (e: Error) =>
        e instanceof BackfillError &&
        /merge of pos_transactions for window \[2026-11-20T18:00:00.000Z, 2026-11-21T00:00:00.000Z\) failed: Unhandled error, MergeError: boom/.test(
          e.message,
        ) &&
        /resume with cursor 2026-11-20T18:00:00.000Z and cursorProduct pos_transactions/.test(e.message),
    );
    assert.strictEqual(h.merges.length, 2);
    assert.deepStrictEqual(h.continued, []);
  });

  it("fails rather than hand over an invocation in which no merge finished (the slot stayed busy)", async () => {
    const h = harness({ budgetMs: 200_000, answer: () => ({ status: "throttled", message: "Rate Exceeded." }) });
    await assert.rejects(runBackfill(EVENT, SETTINGS, h.deps), /no merge finished in this invocation \(at 2026-11-20T18:00:00.000Z cart_events\)/);
    assert.deepStrictEqual(h.continued, [], "no hand-over that could loop forever");
  });

  it("with cursor = to, runs the switch-back checks: coverage since from, the accounting of every ended day", async () => {
    const h = harness();
    const report = await runBackfill({ ...EVENT, cursor: EVENT.to }, SETTINGS, h.deps);
    assert.deepStrictEqual(h.merges, []);
    assert.strictEqual(report.status, "done");
    assert.deepStrictEqual(report.checks, {
      bridgeCoverage: { since: "2026-11-20T18:00:00.000Z", products: { cart_events: 0.98, pos_transactions: 0.975 }, min: 0.95, ok: true },
      accounting: { days: ["2026-11-20", "2026-11-21"], unaccounted: 0, offBy: {}, ok: true },
    });
    assert.strictEqual(report.switchBackReady, true);
    assert.strictEqual(h.runner.statements.filter((s) => /bronze_rows/.test(s)).length, 2, "one accounting per day");
    assert.strictEqual(h.alerts.metric("BackfillSwitchBackReady"), 1);
  });

  it("is not ready while coverage is under the floor or any row is unaccounted, and says where", async () => {
    const low = harness({ rules: [[/count\(loyalty_id\)/, [{ product: "cart_events", purchases: 1000, resolved: 949 }]], CLEAN[1]] });
    const r1 = await runBackfill({ ...EVENT, cursor: EVENT.to }, SETTINGS, low.deps);
    assert.deepStrictEqual([r1.checks!.bridgeCoverage.ok, r1.checks!.accounting.ok, r1.switchBackReady], [false, true, false]);
    const off = harness({ rules: [CLEAN[0], [/DATE '2026-11-21'/, [accountingRow("cart_events", -2)]], CLEAN[1]] });
    const r2 = await runBackfill({ ...EVENT, cursor: EVENT.to }, SETTINGS, off.deps);
    assert.deepStrictEqual(r2.checks!.accounting, {
      days: ["2026-11-20", "2026-11-21"],
      unaccounted: 2,
      offBy: { "2026-11-21": { cart_events: -2 } },
      ok: false,
    });
    assert.strictEqual(r2.switchBackReady, false);
    assert.strictEqual(off.alerts.metric("BackfillSwitchBackReady"), 0);
  });

  it("counts no day still arriving, and shows nothing ready without purchases or an ended day", async () => {
    const today = { ...EVENT, from: "2026-11-25T00:00:00Z", to: "2026-11-25T12:00:00Z", cursor: "2026-11-25T12:00:00Z" };
    const h = harness({ rules: [[/count\(loyalty_id\)/, []]] });
    const report = await runBackfill(today, SETTINGS, h.deps);
    assert.deepStrictEqual(report.checks!.accounting.days, []);
    assert.match(report.checks!.accounting.error!, /no day of the range has ended yet/);
    assert.match(report.checks!.bridgeCoverage.error!, /no purchases in silver since from/);
    assert.deepStrictEqual([report.checks!.bridgeCoverage.ok, report.checks!.accounting.ok], [false, false]);
  });

  it("cannot show reconciliation clean on a stack without the accounting", async () => {
    const { accountingSql: _accounting, ...without } = SETTINGS;
    const report = await runBackfill({ ...EVENT, cursor: EVENT.to }, without, harness().deps);
    assert.strictEqual(report.checks!.accounting.ok, false);
    assert.match(report.checks!.accounting.error!, /this stack has no accounting/);
  });
});
