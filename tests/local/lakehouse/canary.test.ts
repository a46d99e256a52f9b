import * as assert from "assert";
import { CANARY_PRODUCTS, canaryRecord } from "../../../core/canary";
import { loadTableDefs } from "../../../core/tables";
import { LocalLakehouse, Row } from "../../../local/lakehouse/duckdb";
import { accountDay, createGoldViews, GoldVariant, KPIS, mergeWindow, reconcileDay } from "../../../local/lakehouse/pipeline";
import { DAY, FIXTURE_SALT, FIXTURE_WINDOW, loadFixture } from "./fixture";

/**
 * Two canary rounds, one record on each stream product as the canary function puts them, newer than every fixture
 * event (so a staleness read that counted them would move) and inside the fixture's merge window.
 */
const ROUNDS = [new Date("2026-07-02T20:00:00Z"), new Date("2026-07-02T20:15:00Z")];
const CANARY_DAY = "2026-07-02";

const literal = (v: string | number | null, column: string) => {
  if (v === null) return "NULL";
  // Firehose's microseconds for received_at, as a DuckDB timestamp literal.
  if (column === "received_at") return `TIMESTAMP '${new Date(Number(v) / 1000).toISOString().replace("T", " ").slice(0, 19)}'`;
  return typeof v === "number" ? String(v) : `'${v.replace(/'/g, "''")}'`;
};

async function putCanaries(lake: LocalLakehouse): Promise<void> {
  const defs = loadTableDefs();
  for (const product of CANARY_PRODUCTS) {
    const columns = defs.get(`retail_bronze.${product}`)!.columns.map((c) => c.name);
    const rows = ROUNDS.map((at) => canaryRecord(product, at)).map((r) => `(${columns.map((c) => literal(r[c], c)).join(", ")})`);
    await lake.run(`INSERT INTO retail_bronze.${product} (${columns.join(", ")}) VALUES ${rows.join(", ")}`);
  }
}

async function merged(withCanaries: boolean): Promise<LocalLakehouse> {
  const lake = await LocalLakehouse.open();
  await loadFixture(lake);
  if (withCanaries) await putCanaries(lake);
  await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
  return lake;
}

async function gold(lake: LocalLakehouse, variant: GoldVariant): Promise<Record<string, Row[]>> {
  await createGoldViews(lake, variant);
  const out: Record<string, Row[]> = {};
  for (const kpi of KPIS) out[kpi] = await lake.query(`SELECT * FROM retail_gold.${kpi} ORDER BY ALL`);
  return out;
}

describe("freshness canaries through the local lakehouse", () => {
  let plain: LocalLakehouse;
  let canaried: LocalLakehouse;
  before(async () => {
    plain = await merged(false);
    canaried = await merged(true);
  });
  after(() => {
    plain.close();
    canaried.close();
  });

  it("are valid bronze rows: they reach silver (cart_events and order_events), never quarantine", async () => {
    const [row] = await canaried.query(`SELECT
      (SELECT count(*) FROM retail_silver.cart_events WHERE starts_with(event_id, 'canary-')) AS cart,
      (SELECT count(*) FROM retail_silver.order_events WHERE starts_with(event_id, 'canary-')) AS orders,
      (SELECT count(*) FROM retail_silver.quarantine WHERE starts_with(event_id, 'canary-')) AS quarantined`);
    assert.deepStrictEqual([Number(row.cart), Number(row.orders), Number(row.quarantined)], [2, 4, 0]);
  });

  it("leave every KPI of both gold variants exactly as without them", async () => {
    for (const variant of ["omnichannel", "store-only"] as const) {
      assert.deepStrictEqual(await gold(canaried, variant), await gold(plain, variant), variant);
    }
  });

  it("are counted like any row by reconciliation and the accounting, which stay in balance", async () => {
    for (const day of [DAY, CANARY_DAY]) {
      const rows = await reconcileDay(canaried, day);
      assert.ok(
        rows.every((r) => r.status === "ok"),
        JSON.stringify(rows),
      );
      for (const [product, a] of Object.entries(await accountDay(canaried, day))) assert.strictEqual(a.unaccounted, 0, `${product} ${day}`);
    }
    const rows = await reconcileDay(canaried, CANARY_DAY);
    const base = Object.fromEntries((await reconcileDay(plain, CANARY_DAY)).map((r) => [r.table, r.source]));
    assert.strictEqual(rows.find((r) => r.table === "cart_events")!.source, base.cart_events + 2);
    assert.strictEqual(rows.find((r) => r.table === "order_events")!.source, base.order_events + 4);
  });

  it("are recorded once per product in canary_arrivals, with their send time and when silver had them", async () => {
    const rows = await canaried.query(
      "SELECT product, event_id, CAST(sent_at AS varchar) AS sent, silver_at IS NOT NULL AS arrived FROM retail_silver.canary_arrivals ORDER BY ALL",
    );
    assert.deepStrictEqual(
      rows.map((r) => [r.product, r.sent, r.arrived]),
      CANARY_PRODUCTS.flatMap((p) => ROUNDS.map((at) => [p, at.toISOString().replace("T", " ").slice(0, 19), true])),
    );
    await mergeWindow(canaried, FIXTURE_WINDOW, FIXTURE_SALT);
    const [again] = await canaried.query("SELECT count(*) AS n FROM retail_silver.canary_arrivals");
    assert.strictEqual(Number(again.n), 4, "a re-run records nothing new");
    const [none] = await plain.query("SELECT count(*) AS n FROM retail_silver.canary_arrivals");
    assert.strictEqual(Number(none.n), 0);
  });

  it("are not purchases to bridge coverage, which counts the fixture's store and web purchases", async () => {
    const coverage = async (lake: LocalLakehouse) =>
      (await lake.runFile("coverage/bridge_coverage.sql", { since: "2026-06-24 00:00:00" }))
        .map((r) => [r.product, Number(r.purchases), Number(r.resolved)])
        .sort();
    const plainCoverage = await coverage(plain);
    assert.deepStrictEqual(await coverage(canaried), plainCoverage);
    assert.deepStrictEqual(
      plainCoverage.map(([p]) => p),
      ["cart_events", "pos_transactions"],
    );
    for (const [p, purchases, resolved] of plainCoverage) assert.ok(Number(resolved) <= Number(purchases) && Number(purchases) > 0, String(p));
  });

  it("do not make a table look fresher to the staleness check", async () => {
    const newest = async (lake: LocalLakehouse, table: string) =>
      (await lake.runFile(`freshness/${table}.sql`, { since: "2026-06-24 00:00:00" }))[0].newest_event_ts;
    for (const table of ["cart_events", "order_events"]) {
      assert.deepStrictEqual(await newest(canaried, table), await newest(plain, table), table);
    }
  });
});
