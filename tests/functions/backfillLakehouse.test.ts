import * as assert from "assert";
import { BackfillEvent, BackfillSettings } from "../../functions/backfill";
import { MergeSettings } from "../../functions/merge";
import { localBackfill } from "../../local/lakehouse/backfill";
import { ACCOUNTING_FILE } from "../../functions/reconcile";
import { bridgeUse } from "../../core/sql/access";
import { loadSql } from "../../core/sql/files";
import { loadTableDefs } from "../../core/tables";
import { planOperations } from "../../components/operations";
import { LocalLakehouse } from "../../local/lakehouse/duckdb";
import { generate } from "../../local/lakehouse/generate";
import { BATCH_MERGES, STREAM_MERGES } from "../../local/lakehouse/pipeline";
import { LOCAL_EMAIL_SALT, START_DAY } from "../../local/lakehouse/run";
import { RecordingAlerts } from "./fakes";

/**
 * The backfill on the local lakehouse (local/lakehouse/backfill.ts): the real merge handler and SQL on DuckDB stand in
 * for the merge function, a queue of hand-over events for Lambda's, so the windows, the resumption and the checks run
 * against real data.
 */
const DAYS = 2;
const START = Date.parse(`${START_DAY}T00:00:00Z`);
const END = new Date(START + (DAYS + 2) * 86_400_000);
// Every table the DDL declares, as the stack creates them: the merges of every product (the fifth included) name theirs.
const ALL_TABLES = [...loadTableDefs().values()].map((d) => `${d.namespace}.${d.name}`);
const plan = planOperations({ products: [], goldChannelMode: "omnichannel", kpiFreshnessBudgetMinutes: {}, batchJobNames: {} }, ALL_TABLES);
// The bridge reads silver loyalty_tier, so the CRM extract is listed first, as the runbook says.
const PRODUCTS = [...BATCH_MERGES, ...STREAM_MERGES];
const mergeSql = (p: string) => loadSql(`merge/${p}.sql`);
const MERGE: MergeSettings = {
  bridgeSql: plan.bridgeSql,
  products: Object.fromEntries(
    PRODUCTS.map((p) => [p, { sql: mergeSql(p), lookbackMinutes: 60, refreshesBridge: bridgeUse(p, mergeSql(p), plan.bridgeSql) }]),
  ),
};
const SETTINGS: BackfillSettings = {
  products: PRODUCTS,
  rawEmailRetentionDays: 30,
  timeoutSeconds: 900,
  mergeTimeoutSeconds: 120,
  coverage: { sql: plan.bridgeCoverageSql, min: 0.5 },
  accountingSql: plan.reconcile[ACCOUNTING_FILE],
  checkQuerySeconds: 240,
};
const EVENT: BackfillEvent = { products: PRODUCTS, from: new Date(START).toISOString(), to: END.toISOString() };

const drive = (lake: LocalLakehouse, event: BackfillEvent) =>
  localBackfill(lake, event, { merge: MERGE, backfill: SETTINGS, now: END, alerts: new RecordingAlerts() });

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

describe("backfill on the local lakehouse (real merge SQL on DuckDB)", function () {
  this.timeout(120_000);
  let lake: LocalLakehouse;
  let first: Awaited<ReturnType<typeof drive>>;
  let afterFirst: Record<string, string>;

  before(async () => {
    lake = await LocalLakehouse.open();
    await generate(lake, { events: 3000, seed: 7, days: DAYS, startDay: START_DAY });
    await lake.setEmailSalt(LOCAL_EMAIL_SALT);
    first = await drive(lake, EVENT);
    afterFirst = await silverFingerprint(lake);
  });
  after(() => lake.close());

  it("merges every product's window once over several invocations, then reports the checks clean", () => {
    assert.strictEqual(first.merges.length, PRODUCTS.length * (DAYS + 2), "one window per day, every product");
    assert.ok(first.reports.length > 2, `hand-overs: ${first.reports.map((r) => r.status).join(", ")}`);
    const done = first.reports.at(-1)!;
    assert.strictEqual(done.status, "done");
    assert.strictEqual(done.checks!.accounting.ok, true, JSON.stringify(done.checks!.accounting));
    assert.strictEqual(done.checks!.accounting.days.length, DAYS + 2);
    assert.ok(Number(afterFirst["retail_silver.order_events"].split(":")[0]) > 100, "silver filled");
    for (const share of Object.values(done.checks!.bridgeCoverage.products)) assert.ok(share > 0.5 && share <= 1, String(share));
    assert.strictEqual(done.switchBackReady, true);
  });

  it("run again (idempotent), or resumed from a log line's cursor, it leaves silver exactly as it was", async () => {
    await drive(lake, EVENT);
    assert.deepStrictEqual(await silverFingerprint(lake), afterFirst);
    const resumed = await drive(lake, { ...EVENT, cursor: new Date(START + 86_400_000).toISOString(), cursorProduct: "pos_transactions" });
    assert.strictEqual(resumed.merges[0].product, "pos_transactions");
    assert.strictEqual(resumed.merges.length, PRODUCTS.length * (DAYS + 1) - PRODUCTS.indexOf("pos_transactions"));
    assert.deepStrictEqual(await silverFingerprint(lake), afterFirst);
  });
});
