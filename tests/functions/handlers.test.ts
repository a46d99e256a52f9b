import * as assert from "assert";
import { FreshnessFailed, judgeKpis, lookbackMinutes, parseEventTime, runFreshness, TableFreshness } from "../../functions/freshness";
import { MergeError, mergeWindows, runMerge } from "../../functions/merge";
import { FinalQueryError, QueryError } from "../../functions/queryRunner";
import { ReconcileFailed, runReconcile } from "../../functions/reconcile";
import { bridgeUse } from "../../core/sql/access";
import { loadSql } from "../../core/sql/files";
import { sqlTimestamp } from "../../core/sql/render";
import { fakeRunner, RecordingAlerts } from "./fakes";

describe("merge handler", () => {
  it("cuts its lookback at UTC midnight so each window reads one day partition", () => {
    const windows = mergeWindows(new Date("2026-07-02T00:20:30Z"), 32).map((w) => [sqlTimestamp(w.start), sqlTimestamp(w.end)]);
    assert.deepStrictEqual(windows, [
      ["2026-07-01 23:48:00", "2026-07-02 00:00:00"],
      ["2026-07-02 00:00:00", "2026-07-02 00:20:00"],
    ]);
  });

  const settings = {
    products: {
      cart_events: {
        sql: "MERGE INTO retail_silver.cart_events t USING (SELECT 1 s FROM retail_bronze.cart_events WHERE received_at >= TIMESTAMP '{{window_start}}' AND received_at < TIMESTAMP '{{window_end}}') s ON 1=1 WHEN NOT MATCHED THEN INSERT VALUES (1);\nMERGE INTO retail_silver.quarantine t USING x ON 1=1 WHEN NOT MATCHED THEN INSERT VALUES (1);",
        lookbackMinutes: 30,
        refreshesBridge: true,
      },
    },
    bridgeSql:
      "MERGE INTO retail_silver.identity_bridge t USING (SELECT 1 x, TIMESTAMP '{{window_start}}' a, TIMESTAMP '{{window_end}}' b) s ON 1=1 WHEN NOT MATCHED THEN INSERT VALUES (1);",
  };

  it("refreshes the bridge first, merges the scheduled window and counts rows per table", async () => {
    const runner = fakeRunner([
      [/identity_bridge/, [{ Count: 2 }]],
      [/retail_silver.cart_events/, [{ Count: 5 }]],
      [/quarantine/, [{ Count: 1 }]],
    ]);
    const alerts = new RecordingAlerts();
    const report = await runMerge({ product: "cart_events", scheduledTime: "2026-07-01T10:02:00Z" }, settings, {
      runner,
      alerts,
      now: () => new Date("2026-07-01T10:05:00Z"),
    });
    assert.deepStrictEqual(report.windows, [{ start: "2026-07-01 09:32:00", end: "2026-07-01 10:02:00" }]);
    assert.deepStrictEqual(
      runner.statements.map((s) => /INTO (\S+)/.exec(s)![1]),
      ["retail_silver.identity_bridge", "retail_silver.cart_events", "retail_silver.quarantine"],
    );
    assert.ok(runner.statements[1].includes("received_at < TIMESTAMP '2026-07-01 10:02:00'"));
    assert.strictEqual(alerts.metric("RowsMerged", ["Table", "retail_silver.cart_events"]), 5);
    assert.strictEqual(alerts.metric("RowsQuarantined", ["Product", "cart_events"]), 1);
  });

  it("skips the bridge for a product that neither feeds nor reads it", async () => {
    const runner = fakeRunner([
      [/retail_silver.cart_events/, [{ Count: 5 }]],
      [/quarantine/, [{ Count: 0 }]],
    ]);
    const product = { ...settings.products.cart_events, refreshesBridge: false };
    await runMerge(
      { product: "cart_events", scheduledTime: "2026-07-01T10:02:00Z" },
      { ...settings, products: { cart_events: product } },
      {
        runner,
        alerts: new RecordingAlerts(),
        now: () => new Date("2026-07-01T10:05:00Z"),
      },
    );
    assert.deepStrictEqual(
      runner.statements.map((st) => /INTO (\S+)/.exec(st)![1]),
      ["retail_silver.cart_events", "retail_silver.quarantine"],
    );
  });

  it("decides from the SQL which products refresh the bridge: those it reads, and those that resolve through it", () => {
    const bridge = loadSql("bridge/identity_bridge.sql");
    const uses = ["cart_events", "pos_transactions", "loyalty_tier", "erp_inventory", "loyalty_redemptions"].map((p) => [
      p,
      bridgeUse(p, loadSql(`merge/${p}.sql`), bridge),
    ]);
    assert.deepStrictEqual(uses, [
      ["cart_events", true],
      ["pos_transactions", true],
      ["loyalty_tier", true],
      ["erp_inventory", false],
      ["loyalty_redemptions", false],
    ]);
  });

  it("names the window and target of a failed statement and keeps its retry class", async () => {
    const runner = fakeRunner([[/./, new FinalQueryError("query q-9 failed: line 3: syntax error", "q-9")]]);
    const deps = { runner, alerts: new RecordingAlerts(), now: () => new Date("2026-07-01T10:00:00Z") };
    await assert.rejects(runMerge({ product: "cart_events" }, settings, deps), (e: unknown) => {
      assert.ok(e instanceof FinalQueryError);
      assert.strictEqual(
        e.message,
        "merge cart_events [2026-07-01 09:30:00, 2026-07-01 10:00:00) into retail_silver.identity_bridge: query q-9 failed: line 3: syntax error",
      );
      return true;
    });
  });

  it("reports an error that is not a QueryError as a MergeError", async () => {
    const runner = fakeRunner([[/./, new Error("connection reset")]]);
    const deps = { runner, alerts: new RecordingAlerts(), now: () => new Date("2026-07-01T10:00:00Z") };
    await assert.rejects(runMerge({ product: "cart_events" }, settings, deps), (e: unknown) => {
      assert.ok(e instanceof MergeError && !(e instanceof QueryError), String(e));
      assert.strictEqual(
        e.message,
        "merge cart_events [2026-07-01 09:30:00, 2026-07-01 10:00:00) into retail_silver.identity_bridge: connection reset",
      );
      return true;
    });
  });

  it("refuses a scheduled time it cannot read, before running anything", async () => {
    const runner = fakeRunner([]);
    const deps = { runner, alerts: new RecordingAlerts(), now: () => new Date() };
    await assert.rejects(runMerge({ product: "cart_events", scheduledTime: "yesterday 10:00" }, settings, deps), (e: unknown) => {
      assert.ok(e instanceof MergeError);
      assert.strictEqual(e.message, 'merge: scheduledTime "yesterday 10:00" is not an ISO-8601 time');
      return true;
    });
    assert.deepStrictEqual(runner.statements.length, 0);
  });

  it("re-merges a whole day when an operator asks for it (the bridge rebuild after a salt rotation), and refuses a longer or broken span", async () => {
    const runner = fakeRunner([[/./, [{ Count: 0 }]]]);
    const deps = { runner, alerts: new RecordingAlerts(), now: () => new Date() };
    const report = await runMerge({ product: "cart_events", scheduledTime: "2026-07-02T00:00:00Z", lookbackMinutes: 1440 }, settings, deps);
    assert.deepStrictEqual(report.windows, [{ start: "2026-07-01 00:00:00", end: "2026-07-02 00:00:00" }]);
    for (const lookbackMinutes of [1441, 0, 2.5]) {
      await assert.rejects(runMerge({ product: "cart_events", lookbackMinutes }, settings, deps), (e: unknown) => {
        assert.ok(e instanceof MergeError);
        assert.strictEqual(
          e.message,
          `merge: lookbackMinutes ${lookbackMinutes} must be a whole number from 1 to 1440. Fix: re-merge longer spans one day per invocation.`,
        );
        return true;
      });
    }
  });

  it("refuses a product it was not given SQL for", async () => {
    const deps = { runner: fakeRunner([]), alerts: new RecordingAlerts(), now: () => new Date() };
    await assert.rejects(
      runMerge({ product: "pos_transactions" }, settings, deps),
      /unknown product "pos_transactions"; this function merges cart_events/,
    );
  });
});

describe("reconcile handler", () => {
  const tables = {
    cart_events: "SELECT 'cart' AS t, '{{day}}' AS d",
    order_events: "SELECT 'order' AS t, '{{day}}' AS d",
    loyalty_tier: "SELECT 'tier' AS t, '{{day}}' AS d",
  };

  it("reports every table when one query fails, sends one message, and fails the run after publishing", async () => {
    const runner = fakeRunner([
      [/'cart'/, [{ source_rows: 1000, silver_rows: 990 }]],
      [/'order'/, new FinalQueryError("query q-3 failed: TABLE_NOT_FOUND")],
      [/'tier'/, [{ source_rows: 500, silver_rows: 500 }]],
    ]);
    const alerts = new RecordingAlerts();
    const run = runReconcile({}, { tables, tolerance: 0.001 }, { runner, alerts, now: () => new Date("2026-07-02T06:00:00Z") });
    await assert.rejects(run, (e: unknown) => {
      assert.ok(e instanceof ReconcileFailed);
      assert.deepStrictEqual(
        e.report.tables.map((t) => `${t.table}:${t.status}`),
        ["cart_events:mismatch", "order_events:error", "loyalty_tier:ok"],
      );
      return true;
    });
    assert.ok(
      runner.statements.every((s) => s.includes("'2026-07-01'")),
      "reconciles yesterday (UTC)",
    );
    assert.strictEqual(alerts.messages.length, 1);
    const { subject, message } = alerts.messages[0];
    assert.strictEqual(subject, "retail reconcile 2026-07-01: 1 mismatched, 1 failed");
    assert.match(message, /MISMATCH retail_silver.cart_events: source 1000 rows, silver 990 rows, drift 1.00 %/);
    assert.match(message, /FAILED retail_silver.order_events: query q-3 failed: TABLE_NOT_FOUND/);
    assert.doesNotMatch(message, /loyalty_tier/);
    assert.strictEqual(alerts.metric("DriftRatio", ["Table", "cart_events"]), 0.01);
    assert.strictEqual(alerts.metric("SilverRows", ["Table", "loyalty_tier"]), 500);
    assert.strictEqual(alerts.metric("ReconcileQueryFailed", ["Table", "order_events"]), 1);
  });

  it("stays quiet within tolerance", async () => {
    const alerts = new RecordingAlerts();
    const ok = fakeRunner([[/./, [{ source_rows: 100000, silver_rows: 99950 }]]]);
    const report = await runReconcile(
      { day: "2026-06-30" },
      { tables: { cart_events: tables.cart_events }, tolerance: 0.001 },
      { runner: ok, alerts, now: () => new Date() },
    );
    assert.strictEqual(report.tables[0].status, "ok");
    assert.deepStrictEqual(alerts.messages, []);
    assert.strictEqual(alerts.metric("DriftRatio", ["Table", "cart_events"]), 0.0005);
  });

  it("treats a malformed answer as a failed table, alerts on it and fails the run", async () => {
    const alerts = new RecordingAlerts();
    const bad = fakeRunner([[/./, [{ source_rows: null, silver_rows: 3 }]]]);
    await assert.rejects(
      runReconcile(
        { day: "2026-06-30" },
        { tables: { cart_events: tables.cart_events }, tolerance: 0.001 },
        { runner: bad, alerts, now: () => new Date() },
      ),
      (e: unknown) => {
        assert.ok(e instanceof ReconcileFailed);
        assert.strictEqual(e.message, "reconcile 2026-06-30: 1 of 1 tables could not be counted: cart_events");
        return true;
      },
    );
    assert.strictEqual(alerts.messages.length, 1);
    const { subject, message } = alerts.messages[0];
    assert.strictEqual(subject, "retail reconcile 2026-06-30: 0 mismatched, 1 failed");
    assert.ok(
      message.includes(
        'FAILED retail_silver.cart_events: sql/reconcile/cart_events.sql returned {"source_rows":null,"silver_rows":3}: expected a numeric column source_rows',
      ),
      message,
    );
    assert.deepStrictEqual(alerts.metrics, [{ name: "ReconcileQueryFailed", value: 1, unit: "Count", dimensions: { Table: "cart_events" } }]);
  });
});

describe("freshness rule", () => {
  const ok = (table: string, stalenessMinutes: number): TableFreshness => ({ table, status: "ok", newest: "", stalenessMinutes });
  const kpis = { conversion_rate: { budgetMinutes: 22, tables: ["cart_events", "order_events"] } };

  it("judges a KPI by its stalest input and alerts only on the run that crosses the budget", () => {
    const judge = (cart: number, order: number) => judgeKpis([ok("cart_events", cart), ok("order_events", order)], { kpis, intervalMinutes: 5 })[0];
    assert.deepStrictEqual(
      [judge(3, 20), judge(3, 24), judge(3, 30)].map((k) => [k.status, k.newlyStale, k.limitedBy]),
      [
        ["fresh", false, "order_events"],
        ["stale", true, "order_events"],
        ["stale", false, "order_events"],
      ],
    );
  });

  it("cannot call a KPI fresh when an input is empty", () => {
    const [k] = judgeKpis([ok("cart_events", 1), { table: "order_events", status: "empty" }], { kpis, intervalMinutes: 5 });
    assert.deepStrictEqual([k.status, k.limitedBy, k.stalenessMinutes], ["unknown", "order_events", undefined]);
  });

  it("reads Athena's and DuckDB's timestamp text as UTC", () => {
    assert.strictEqual(parseEventTime("2026-07-01 10:00:00.000")!.toISOString(), "2026-07-01T10:00:00.000Z");
    assert.strictEqual(parseEventTime("2026-07-01 10:00:00")!.toISOString(), "2026-07-01T10:00:00.000Z");
    assert.strictEqual(parseEventTime(null), undefined);
  });
});

describe("freshness handler", () => {
  const now = new Date("2026-07-01T10:00:00Z");
  const sql = (table: string) => `SELECT max(event_ts) AS newest_event_ts FROM retail_silver.${table}`;
  const settings = {
    tables: { cart_events: sql("cart_events"), order_events: sql("order_events"), loyalty_tier: sql("loyalty_tier") },
    kpis: {
      conversion_rate: { budgetMinutes: 22, tables: ["cart_events", "order_events"] },
      loyalty_mix: { budgetMinutes: 60, tables: ["loyalty_tier"] },
    },
    intervalMinutes: 5,
  };

  it("reads only the partitions of its lookback: a week, or twice the largest budget when that is longer", async () => {
    const bounded = (table: string) => `SELECT max(event_ts) AS newest_event_ts FROM retail_silver.${table} WHERE event_ts >= TIMESTAMP '{{since}}'`;
    const runner = fakeRunner([[/retail_silver/, [{ newest_event_ts: "2026-07-01 09:50:00.000" }]]]);
    const weekly = { ...settings, tables: { cart_events: bounded("cart_events") } };
    await runFreshness(
      { ...weekly, kpis: { conversion_rate: { budgetMinutes: 22, tables: ["cart_events"] } } },
      {
        runner,
        alerts: new RecordingAlerts(),
        now: () => now,
      },
    );
    assert.deepStrictEqual(runner.statements, [
      "SELECT max(event_ts) AS newest_event_ts FROM retail_silver.cart_events WHERE event_ts >= TIMESTAMP '2026-06-24 10:00:00'",
    ]);
    assert.strictEqual(lookbackMinutes({ fill: { budgetMinutes: 2880, tables: [] } }), 10_080, "two days' budget: still a week");
    assert.strictEqual(lookbackMinutes({ fill: { budgetMinutes: 10 * 1440, tables: [] } }), 20 * 1440, "a 10-day budget: 20 days");
  });

  it("judges the readable tables, alerts on them, and then fails the run naming the table it could not read", async () => {
    const runner = fakeRunner([
      [/cart_events/, [{ newest_event_ts: "2026-07-01 09:50:00.000" }]],
      [/order_events/, new FinalQueryError("query q-4 failed: TABLE_NOT_FOUND")],
      [/loyalty_tier/, [{ newest_event_ts: "2026-07-01 08:58:00.000" }]],
    ]);
    const alerts = new RecordingAlerts();
    await assert.rejects(runFreshness(settings, { runner, alerts, now: () => now }), (e: unknown) => {
      assert.ok(e instanceof FreshnessFailed);
      assert.strictEqual(e.message, "freshness 2026-07-01T10:00:00.000Z: could not read order_events");
      assert.deepStrictEqual(
        e.report.tables.map((t) => t.status),
        ["ok", "error", "ok"],
      );
      assert.deepStrictEqual(
        e.report.kpis.map((k) => [k.kpi, k.status, k.limitedBy]),
        [
          ["conversion_rate", "unknown", "order_events"],
          ["loyalty_mix", "stale", "loyalty_tier"],
        ],
      );
      return true;
    });
    assert.deepStrictEqual(
      alerts.metrics.map((m) => [m.name, Object.values(m.dimensions ?? {})[0], m.value]),
      [
        ["TableStalenessMinutes", "cart_events", 10],
        ["TableStalenessMinutes", "loyalty_tier", 62],
        ["StalenessMinutes", "loyalty_mix", 62],
      ],
    );
    assert.deepStrictEqual(alerts.messages, [
      {
        subject: "retail freshness: loyalty_mix over budget",
        message:
          "STALE loyalty_mix: 62 min behind (budget 60 min), limited by retail_silver.loyalty_tier\n\nWhat to do: README, Operations, alarm 'KPI staleness'.",
      },
    ]);
  });

  it("does not call a KPI fresh when an input table is empty, and publishes no staleness for it", async () => {
    const runner = fakeRunner([
      [/cart_events/, [{ newest_event_ts: "2026-07-01 09:58:00.000" }]],
      [/order_events/, [{ newest_event_ts: null }]],
      [/loyalty_tier/, [{ newest_event_ts: "2026-07-01 09:55:00" }]],
    ]);
    const alerts = new RecordingAlerts();
    const report = await runFreshness(settings, { runner, alerts, now: () => now });
    assert.deepStrictEqual(report.tables[1], { table: "order_events", status: "empty" });
    assert.deepStrictEqual(
      report.kpis.map((k) => [k.kpi, k.status, k.stalenessMinutes, k.limitedBy]),
      [
        ["conversion_rate", "unknown", undefined, "order_events"],
        ["loyalty_mix", "fresh", 5, "loyalty_tier"],
      ],
    );
    // Nothing for conversion_rate or order_events: the staleness alarm treats missing data as breaching.
    assert.deepStrictEqual(
      alerts.metrics.map((m) => [m.name, Object.values(m.dimensions ?? {})[0], m.value]),
      [
        ["TableStalenessMinutes", "cart_events", 2],
        ["TableStalenessMinutes", "loyalty_tier", 5],
        ["StalenessMinutes", "loyalty_mix", 5],
      ],
    );
    assert.deepStrictEqual(alerts.messages, []);
  });
});
