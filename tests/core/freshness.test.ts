import * as assert from "assert";
import { dailyRefreshTime, freshnessBudget, freshnessOverruns, KpiFreshness } from "../../core/freshness";
import { KpiCatalogError, loadKpiCatalog } from "../../core/kpiCatalog";
import { BATCH_CADENCE_MINUTES, BATCH_SCHEDULE } from "../../core/lanes";
import { MERGE_TIMEOUT_SECONDS } from "../../core/limits";
import { platformConfig } from "../support/config";

const kpis = loadKpiCatalog();
const minutes = (b: Record<string, KpiFreshness>) => Object.fromEntries(Object.entries(b).map(([k, f]) => [k, [f.minutes, f.budgetMinutes]]));

describe("freshness budget", () => {
  const mergeRun = MERGE_TIMEOUT_SECONDS / 60;

  it("prod: every KPI's worst case from the stack file and the catalog, within every target", () => {
    const config = platformConfig("prod");
    const budget = freshnessBudget(config, kpis);
    // Worst case and target per KPI, as in README.md's freshness table. The stream path is cart_events' (need 5 min):
    // 60 s Firehose buffer (1) + MERGE every 2 min (2) + 120 s MERGE run (2) = 5; pos_transactions' is the same.
    assert.deepStrictEqual(minutes(budget), {
      conversion_rate: [65, 90], // 5 + 60 hourly SPICE refresh
      cart_abandonment: [20, 22], // 5 + 15 incremental SPICE refresh
      sku_velocity: [5, 30], // 5, direct query
      loyalty_redemption_rate: [1532, 2880], // 60 hourly Glue wait + 30 timeout + 2 merge + 1440 daily SPICE refresh
      inventory_fill_rate: [1562, 2880], // 1440 daily Glue wait + 120 timeout + 2 merge, direct query
      campaign_roas: [152, 240], // 60 hourly Glue wait + 30 timeout + 2 merge + 60 hourly SPICE refresh (streams: 5)
    });
    for (const f of Object.values(budget))
      assert.strictEqual(
        f.parts.reduce((t, p) => t + p.minutes, 0),
        f.minutes,
      );
    assert.deepStrictEqual(freshnessOverruns(budget), [], "the seed's 22 minutes for cart_abandonment hold with 5-minute POS and cart needs");
  });

  it("dev: same products and cadences, smaller Glue timeouts", () => {
    const config = platformConfig("dev");
    // Same stream needs and catalog as prod; only erp_inventory's Glue timeout differs: 1440 + 30 + 2 = 1472.
    assert.deepStrictEqual(minutes(freshnessBudget(config, kpis)), {
      conversion_rate: [65, 90],
      cart_abandonment: [20, 22],
      sku_velocity: [5, 30],
      loyalty_redemption_rate: [1532, 2880],
      inventory_fill_rate: [1472, 2880],
      campaign_roas: [152, 240],
    });
  });

  it("a batch source's path is the wait for its Glue run, the run into bronze, then the silver MERGE it triggers", () => {
    const config = platformConfig("prod");
    const erp = config.batches.find((b) => b.name === "erp_inventory")!;
    assert.deepStrictEqual(freshnessBudget(config, kpis).inventory_fill_rate.parts, [
      {
        what: `erp_inventory: wait for the next batch-daily Glue run (${BATCH_SCHEDULE["batch-daily"]})`,
        minutes: BATCH_CADENCE_MINUTES["batch-daily"],
      },
      { what: `erp_inventory: Glue job run into bronze (timeout ${erp.batch.timeoutMinutes} min)`, minutes: erp.batch.timeoutMinutes },
      { what: `erp_inventory: silver MERGE run (timeout ${MERGE_TIMEOUT_SECONDS} s)`, minutes: mergeRun },
      { what: "inventory_fill_rate: DIRECT_QUERY reads the view live", minutes: 0 },
    ]);
  });

  it("names every part of an overrun: a 10-minute POS need breaks cart_abandonment's 22 minutes", () => {
    const config = platformConfig("prod", (raw) => {
      raw.dataProducts.find((p: { name: string }) => p.name === "pos_transactions").freshnessMinutes = 10;
    });
    const budget = freshnessBudget(config, kpis);
    // 10-min need: 120 s buffering (2) + MERGE every 5 min + 2 min run = 9, slower than cart_events' 5; + 15 SPICE refresh.
    assert.strictEqual(budget.cart_abandonment.minutes, 24);
    assert.deepStrictEqual(freshnessOverruns(budget), [
      "cart_abandonment: worst case 24 min exceeds its 22-min target (pos_transactions: Firehose buffering (120 s) = 2 + pos_transactions: wait for the next silver MERGE (every 5 min) = 5 + pos_transactions: silver MERGE run (timeout 120 s) = 2 + cart_abandonment: wait for the next SPICE incremental refresh (MINUTE15) = 15). Fix: tighten the slowest source product's freshnessMinutes or the catalog's refresh_cadence.",
    ]);
  });

  it("moves when a resource input moves: stream need, Glue timeout, catalog cadence, SPICE cap", () => {
    const base = freshnessBudget(platformConfig("prod"), kpis);
    const slowerCart = freshnessBudget(
      platformConfig("prod", (raw) => {
        Object.assign(
          raw.dataProducts.find((p: { name: string }) => p.name === "cart_events"),
          { freshnessMinutes: 30, lane: "stream" },
        );
      }),
      kpis,
    );
    // 30-min need: 360 s buffering (6) + merge every 15 + 2 min run = 23, now slower than pos_transactions' 5.
    assert.strictEqual(slowerCart.cart_abandonment.minutes, 23 + 15);
    assert.strictEqual(slowerCart.cart_abandonment.parts[0].what, "cart_events: Firehose buffering (360 s)");

    const longerGlue = freshnessBudget(
      platformConfig("prod", (raw) => {
        raw.dataProducts.find((p: { name: string }) => p.name === "erp_inventory").batch.timeoutMinutes = 240;
        // The daily window now runs to 06:32: reconciliation moves after it.
        raw.operations.reconcileHourUtc = 7;
      }),
      kpis,
    );
    assert.strictEqual(longerGlue.inventory_fill_rate.minutes - base.inventory_fill_rate.minutes, 120);

    // sku_velocity reads the same sources live: its minutes are conversion_rate's source path.
    const sources = base.sku_velocity.minutes;
    const halfHourly = kpis.map((k) =>
      k.kpi === "conversion_rate" ? { ...k, refresh: { token: "30min", interval: "MINUTE30" as const, minutes: 30, incremental: true } } : k,
    );
    assert.strictEqual(freshnessBudget(platformConfig("prod"), halfHourly).conversion_rate.minutes, sources + 30);

    // Above the cap a spilling SPICE KPI reads live: its refresh wait disappears.
    const spilled = kpis.map((k) => (k.kpi === "conversion_rate" ? { ...k, expectedRows: 20_000_000 } : k));
    assert.strictEqual(freshnessBudget(platformConfig("prod"), spilled).conversion_rate.minutes, sources);
  });

  it("names the KPI and catalog line when a source product is not configured", () => {
    const bad = kpis.map((k) => (k.kpi === "sku_velocity" ? { ...k, sourceProducts: ["pos_receipts"] } : k));
    assert.throws(
      () => freshnessBudget(platformConfig("prod"), bad),
      (e: KpiCatalogError) =>
        /^core\/catalog\/retail-kpi-catalog\.csv:4, column source_products: KPI "sku_velocity" reads "pos_receipts", which is not a data product of this stack\. Fix: use one of cart_events, pos_transactions, /.test(
          e.problems[0],
        ),
    );
  });

  it("schedules daily refreshes after the daily Glue run's longest timeout and the merge it triggers", () => {
    // prod: 02:30 + erp_inventory's 120-min timeout + 2-min merge = 04:32, so the next quarter hour.
    assert.strictEqual(dailyRefreshTime(platformConfig("prod")), "04:45");
    // dev: 02:30 + 30 + 2 = 03:02.
    assert.strictEqual(dailyRefreshTime(platformConfig("dev")), "03:15");
  });
});
