import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runFreshness } from "../../../functions/freshness";
import { MergeSettings, runMerge } from "../../../functions/merge";
import { runReconcile } from "../../../functions/reconcile";
import { bridgeUse } from "../../../core/sql/access";
import { planOperations } from "../../../components/operations";
import { LocalLakehouse } from "../../../local/lakehouse/duckdb";
import { generate } from "../../../local/lakehouse/generate";
import { BATCH_MERGES, createGoldViews, STREAM_MERGES } from "../../../local/lakehouse/pipeline";
import { LOCAL_EMAIL_SALT, runLakehouse, START_DAY } from "../../../local/lakehouse/run";
import { RecordingAlerts } from "../../functions/fakes";
import { loadSql } from "../../../core/sql/files";

/**
 * The handlers on the local lakehouse: the same sql/ files, the same handler code, DuckDB instead of Athena.
 * The plan is the component's own (planOperations), so the tables and KPIs checked are the ones deployed.
 */
const DAYS = 2;
const EVENTS = 3000;
const END = new Date(Date.parse(`${START_DAY}T00:00:00Z`) + (DAYS + 2) * 86_400_000);
const ALL_TABLES = [
  ...["cart_events", "pos_transactions", "loyalty_redemptions", "loyalty_tier", "erp_inventory", "campaign_attribution"].map(
    (t) => `retail_bronze.${t}`,
  ),
  ...[
    "cart_events",
    "order_events",
    "loyalty_redemptions",
    "loyalty_tier",
    "erp_inventory",
    "campaign_attribution",
    "identity_bridge",
    "quarantine",
  ].map((t) => `retail_silver.${t}`),
];
const plan = planOperations(
  {
    products: [],
    goldChannelMode: "omnichannel",
    kpiFreshnessBudgetMinutes: { conversion_rate: 22, inventory_fill_rate: 2880 },
    batchJobNames: {},
  },
  ALL_TABLES,
);
const mergeSql = (product: string) => loadSql(`merge/${product}.sql`);
// Batch products first, as the pipeline orders them: the bridge reads silver loyalty_tier.
const PRODUCTS = [...BATCH_MERGES, ...STREAM_MERGES];
const settings: MergeSettings = {
  bridgeSql: plan.bridgeSql,
  products: Object.fromEntries(
    PRODUCTS.map((p) => [p, { sql: mergeSql(p), lookbackMinutes: (DAYS + 2) * 1440, refreshesBridge: bridgeUse(p, mergeSql(p), plan.bridgeSql) }]),
  ),
};

async function mergeAll(lake: LocalLakehouse, alerts: RecordingAlerts): Promise<void> {
  await lake.setEmailSalt(LOCAL_EMAIL_SALT);
  for (const product of PRODUCTS) {
    await runMerge({ product, scheduledTime: END.toISOString() }, settings, {
      runner: lake,
      alerts,
      now: () => END,
    });
  }
}

async function silverFingerprint(lake: LocalLakehouse): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of ALL_TABLES.filter((t) => t.startsWith("retail_silver."))) {
    const [row] = await lake.query(
      `SELECT count(*) AS n, md5(coalesce(string_agg(CAST(t AS VARCHAR), chr(10) ORDER BY CAST(t AS VARCHAR)), '')) AS fp FROM ${table} AS t`,
    );
    out[table] = `${row.n}:${row.fp}`;
  }
  return out;
}

const DAY1 = START_DAY;

describe("operations handlers on the local lakehouse", function () {
  this.timeout(60_000);
  let lake: LocalLakehouse;
  let firstRun: RecordingAlerts;

  before(async () => {
    lake = await LocalLakehouse.open();
    await generate(lake, { events: EVENTS, seed: 7, days: DAYS, startDay: START_DAY });
    firstRun = new RecordingAlerts();
    await mergeAll(lake, firstRun);
  });
  after(() => lake.close());

  it("merging the same windows twice leaves silver exactly as it was", async () => {
    const before = await silverFingerprint(lake);
    assert.ok(Number(before["retail_silver.order_events"].split(":")[0]) > 100, "the first merge filled silver");
    const second = new RecordingAlerts();
    await mergeAll(lake, second);
    assert.deepStrictEqual(await silverFingerprint(lake), before);
    for (const table of ["retail_silver.cart_events", "retail_silver.order_events", "retail_silver.loyalty_redemptions"]) {
      assert.ok((firstRun.metric("RowsMerged", ["Table", table]) ?? 0) > 0, `${table} merged rows on the first run`);
    }
    assert.deepStrictEqual(
      second.metrics
        .filter((m) => m.name === "RowsMerged" && ["retail_silver.cart_events", "retail_silver.order_events"].includes(m.dimensions!.Table))
        .map((m) => m.value),
      [0, 0, 0],
    );
  });

  it("a clean run reconciles every table ok and sends nothing", async () => {
    const alerts = new RecordingAlerts();
    const report = await runReconcile({ day: DAY1 }, { tables: plan.reconcile, tolerance: 0 }, { runner: lake, alerts, now: () => END });
    assert.deepStrictEqual(
      report.tables.map((t) => t.status),
      Object.keys(plan.reconcile).map(() => "ok"),
    );
    assert.ok(report.tables.length >= 5);
    assert.deepStrictEqual(alerts.messages, []);
  });

  it("a gold view whose inputs fall behind raises the freshness alert once", async () => {
    await createGoldViews(lake, "omnichannel");
    // The KPI is as fresh as its stalest input, so time is measured from the older of the two newest events.
    const [{ newest }] = await lake.query(
      "SELECT CAST(least((SELECT max(event_ts) FROM retail_silver.order_events), (SELECT max(event_ts) FROM retail_silver.cart_events)) AS VARCHAR) AS newest",
    );
    const newest_ms = Date.parse(`${String(newest).replace(" ", "T")}Z`);
    const at = (minutes: number) => () => new Date(newest_ms + minutes * 60_000);
    const run = async (minutes: number) => {
      const alerts = new RecordingAlerts();
      const report = await runFreshness({ tables: plan.freshness, kpis: plan.kpis, intervalMinutes: 5 }, { runner: lake, alerts, now: at(minutes) });
      return { alerts, kpi: report.kpis.find((k) => k.kpi === "conversion_rate")! };
    };
    const fresh = await run(1);
    assert.strictEqual(fresh.kpi.status, "fresh");
    assert.deepStrictEqual(fresh.alerts.messages, []);
    const crossing = await run(25);
    assert.strictEqual(crossing.kpi.status, "stale");
    assert.strictEqual(crossing.alerts.messages.length, 1);
    assert.match(
      crossing.alerts.messages[0].message,
      /STALE conversion_rate: \d+ min behind \(budget 22 min\), limited by retail_silver\.(cart_events|order_events)/,
    );
    assert.ok((crossing.alerts.metric("StalenessMinutes", ["Kpi", "conversion_rate"]) ?? 0) > 22);
    const later = await run(60);
    assert.strictEqual(later.kpi.status, "stale");
    assert.deepStrictEqual(later.alerts.messages, [], "the alarm, not the handler, keeps reminding");
  });
});

describe("reconciliation against the lakehouse fault drop-silver=0.01", function () {
  this.timeout(60_000);

  it("sends one alert naming every damaged table with both counts", async () => {
    const dbPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ops-lake-")), "lake.duckdb");
    try {
      await runLakehouse({ events: EVENTS, seed: 11, days: DAYS, fault: { kind: "drop-silver", share: 0.01 }, dbPath });
      const lake = await LocalLakehouse.open({ path: dbPath });
      try {
        const alerts = new RecordingAlerts();
        const report = await runReconcile({ day: DAY1 }, { tables: plan.reconcile, tolerance: 0.001 }, { runner: lake, alerts, now: () => END });
        const mismatched = report.tables.filter((t) => t.status === "mismatch");
        assert.deepStrictEqual(mismatched.map((t) => t.table).sort(), ["cart_events", "order_events"]);
        assert.strictEqual(alerts.messages.length, 1);
        for (const t of mismatched) {
          if (t.status !== "mismatch") continue;
          assert.ok(t.silver < t.source);
          assert.ok(
            alerts.messages[0].message.includes(`MISMATCH retail_silver.${t.table}: source ${t.source} rows, silver ${t.silver} rows`),
            alerts.messages[0].message,
          );
        }
      } finally {
        lake.close();
      }
    } finally {
      fs.rmSync(path.dirname(dbPath), { recursive: true, force: true });
    }
  });
});
