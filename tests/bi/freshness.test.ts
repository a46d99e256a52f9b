import * as assert from "assert";
import { dailyRefreshTime, freshnessBudget, freshnessOverruns, KpiFreshness } from "../../infra/freshness";
import { KpiCatalogError, loadKpiCatalog } from "../../infra/kpiCatalog";
import { platformConfig } from "./helpers";

const kpis = loadKpiCatalog();
const minutes = (b: Record<string, KpiFreshness>) => Object.fromEntries(Object.entries(b).map(([k, f]) => [k, [f.minutes, f.budgetMinutes]]));

describe("freshness budget", () => {
  it("prod: every KPI's worst case, part by part, from the stack file and the catalog", () => {
    const budget = freshnessBudget(platformConfig("prod"), kpis);
    assert.deepStrictEqual(minutes(budget), {
      // pos_transactions (2 buffering + 5 merge wait + 2 merge run) + SPICE hourly
      conversion_rate: [69, 90],
      // pos_transactions path 9 + 15-min incremental refresh: over the seed's 22 (see the pos_transactions test below)
      cart_abandonment: [24, 22],
      sku_velocity: [9, 30],
      // loyalty_redemptions hourly Glue (60 + 30 timeout) + daily SPICE
      loyalty_redemption_rate: [1530, 2880],
      // erp_inventory daily Glue (1440 + 120 timeout), read live
      inventory_fill_rate: [1560, 2880],
    });
    assert.deepStrictEqual(budget.cart_abandonment.parts, [
      { what: "pos_transactions: Firehose buffering (120 s)", minutes: 2 },
      { what: "pos_transactions: wait for the next silver MERGE (every 5 min)", minutes: 5 },
      { what: "pos_transactions: silver MERGE run (timeout 120 s)", minutes: 2 },
      { what: "cart_abandonment: wait for the next SPICE incremental refresh (MINUTE15)", minutes: 15 },
    ]);
    for (const f of Object.values(budget)) assert.strictEqual(f.parts.reduce((t, p) => t + p.minutes, 0), f.minutes);
    assert.deepStrictEqual(freshnessOverruns(budget), [
      "cart_abandonment: worst case 24 min exceeds its 22-min target (pos_transactions: Firehose buffering (120 s) = 2 + pos_transactions: wait for the next silver MERGE (every 5 min) = 5 + pos_transactions: silver MERGE run (timeout 120 s) = 2 + cart_abandonment: wait for the next SPICE incremental refresh (MINUTE15) = 15). Fix: tighten the slowest source product's freshnessMinutes or the catalog's refresh_cadence.",
    ]);
  });

  it("dev: same products and cadences, smaller Glue timeouts", () => {
    assert.deepStrictEqual(minutes(freshnessBudget(platformConfig("dev"), kpis)), {
      conversion_rate: [69, 90],
      cart_abandonment: [24, 22],
      sku_velocity: [9, 30],
      loyalty_redemption_rate: [1530, 2880],
      inventory_fill_rate: [1470, 2880],
    });
  });

  it("prod holds the seed's 22 minutes for cart_abandonment once pos_transactions streams at a 5-minute need", () => {
    const config = platformConfig("prod", (raw) => {
      raw.dataProducts.find((p: { name: string }) => p.name === "pos_transactions").freshnessMinutes = 5;
    });
    const budget = freshnessBudget(config, kpis);
    assert.strictEqual(budget.cart_abandonment.minutes, 20);
    assert.ok(budget.cart_abandonment.minutes <= 22);
    assert.deepStrictEqual(freshnessOverruns(budget), []);
  });

  it("moves when a resource input moves: stream need, Glue timeout, catalog cadence, SPICE cap", () => {
    const base = freshnessBudget(platformConfig("prod"), kpis);
    const slowerCart = freshnessBudget(
      platformConfig("prod", (raw) => {
        Object.assign(raw.dataProducts.find((p: { name: string }) => p.name === "cart_events"), { freshnessMinutes: 30, lane: "stream" });
      }),
      kpis,
    );
    // 30-min need: 360 s buffering (6) + merge every 15 + 2 min run = 23, now slower than pos_transactions' 9.
    assert.strictEqual(slowerCart.cart_abandonment.minutes, 23 + 15);
    assert.strictEqual(slowerCart.cart_abandonment.parts[0].what, "cart_events: Firehose buffering (360 s)");

    const longerGlue = freshnessBudget(
      platformConfig("prod", (raw) => {
        raw.dataProducts.find((p: { name: string }) => p.name === "erp_inventory").batch.timeoutMinutes = 240;
      }),
      kpis,
    );
    assert.strictEqual(longerGlue.inventory_fill_rate.minutes - base.inventory_fill_rate.minutes, 120);

    const halfHourly = kpis.map((k) => (k.kpi === "conversion_rate" ? { ...k, refresh: { token: "30min", interval: "MINUTE30" as const, minutes: 30, incremental: true } } : k));
    assert.strictEqual(freshnessBudget(platformConfig("prod"), halfHourly).conversion_rate.minutes, 9 + 30);

    // Above the cap a spilling SPICE KPI reads live: its refresh wait disappears.
    const spilled = kpis.map((k) => (k.kpi === "conversion_rate" ? { ...k, expectedRows: 20_000_000 } : k));
    assert.strictEqual(freshnessBudget(platformConfig("prod"), spilled).conversion_rate.minutes, 9);
  });

  it("names the KPI and catalog line when a source product is not configured", () => {
    const bad = kpis.map((k) => (k.kpi === "sku_velocity" ? { ...k, sourceProducts: ["pos_receipts"] } : k));
    assert.throws(
      () => freshnessBudget(platformConfig("prod"), bad),
      (e: KpiCatalogError) =>
        /^infra\/catalog\/retail-kpi-catalog\.csv:4, column source_products: KPI "sku_velocity" reads "pos_receipts", which is not a data product of this stack\. Fix: use one of cart_events, pos_transactions, /.test(e.problems[0]),
    );
  });

  it("schedules daily refreshes after the daily Glue run's longest timeout", () => {
    assert.strictEqual(dailyRefreshTime(platformConfig("prod")), "04:30");
    assert.strictEqual(dailyRefreshTime(platformConfig("dev")), "03:00");
  });
});
