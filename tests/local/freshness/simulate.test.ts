import * as assert from "assert";
import { loadSimInputs, SimInputs, stackFilePath } from "../../../local/freshness/inputs";
import { cronStarts, firehoseFlushes, nextRefresh, rng } from "../../../local/freshness/clock";
import { DEFAULT_MERGE_MODEL, DEFAULT_SIM_OPTIONS, FreshnessResult, simulateFreshness, SimOptions } from "../../../local/freshness/simulate";

const inputs: Record<string, SimInputs> = {};
const stackInputs = (stack: "prod" | "dev") => (inputs[stack] ??= loadSimInputs(stackFilePath(stack), stack));
// Shorter than the CLI's default, still long enough for every lane to run many times.
const QUICK: SimOptions = { ...DEFAULT_SIM_OPTIONS, hours: 24, probesPerProduct: 600 };
const results = new Map<string, Promise<FreshnessResult>>();
const run = (stack: "prod" | "dev", options: SimOptions = QUICK) => {
  const key = `${stack}/${JSON.stringify(options)}`;
  if (!results.has(key)) results.set(key, simulateFreshness(stackInputs(stack), options));
  return results.get(key)!;
};

describe("freshness simulation: building blocks", () => {
  it("Firehose flushes at the size hint at the prod cart peak and at the interval at dev's rate", () => {
    const fast = firehoseFlushes(8000, 1024, 60, 3600, rng(1));
    // 64 MiB at 8,000 records/s of 1 KiB fills in about 8 s.
    assert.strictEqual(fast.bySize, fast.times.length);
    assert.ok(fast.times.length > 3600 / 10 && fast.times.length < 3600 / 7, `${fast.times.length} flushes`);
    const slow = firehoseFlushes(200, 1024, 60, 3600, rng(1));
    assert.strictEqual(slow.bySize, 0);
    assert.strictEqual(slow.times.length, 60);
  });

  it("reads the Glue cron forms of core/lanes.ts", () => {
    assert.deepStrictEqual(cronStarts("cron(0/15 * * * ? *)", 3600), [0, 900, 1800, 2700]);
    assert.deepStrictEqual(cronStarts("cron(5 * * * ? *)", 7200), [300, 3900]);
    assert.deepStrictEqual(cronStarts("cron(30 2 * * ? *)", 2 * 86400), [9000, 86400 + 9000]);
  });

  it("waits for the next SPICE refresh on the clock, or the next day's time of day", () => {
    assert.strictEqual(nextRefresh(901, { interval: "MINUTE15", minutes: 15 }, "00:00"), 1800);
    assert.strictEqual(nextRefresh(900, { interval: "MINUTE15", minutes: 15 }, "00:00"), 900);
    assert.strictEqual(nextRefresh(5 * 3600, { interval: "DAILY", minutes: 1440 }, "04:45"), 86400 + 4 * 3600 + 45 * 60);
  });
});

describe("freshness simulation against core's model", () => {
  for (const stack of ["prod", "dev"] as const) {
    // core/freshness.ts has no term for waiting on the one merge slot (every product's merge, one at a time), so a
    // stream KPI's measured max may pass its model by up to the slot's longest queue wait, never by more; every KPI
    // stays within the steward's target. README "Known limits" reports the gap (prod seed 1: sku_velocity 6.34 vs 5).
    it(`${stack}: every KPI's measured max is within its target, and within the model plus the slot's longest wait; every marked event arrives`, async () => {
      const r = await run(stack);
      assert.strictEqual(r.kpis.length, 6);
      for (const k of r.kpis) {
        assert.strictEqual(k.neverMerged, 0, `${k.kpi}: ${k.neverMerged} never merged`);
        assert.ok(k.measured.count >= 600, `${k.kpi}: ${k.measured.count} measured`);
        assert.ok(k.measured.max <= k.budgetMinutes, `${k.kpi}: measured max ${k.measured.max} > target ${k.budgetMinutes}`);
        const bound = k.modelMinutes + r.slot.queueWait.max;
        assert.ok(k.measured.max <= bound, `${k.kpi}: measured max ${k.measured.max} > model ${k.modelMinutes} + slot wait ${r.slot.queueWait.max}`);
        assert.strictEqual(k.withinModel, k.measured.max <= k.modelMinutes);
      }
    });
  }

  it("prod: cart_abandonment's p95 is within the seed's 22 minutes", async () => {
    const cart = (await run("prod")).kpis.find((k) => k.kpi === "cart_abandonment")!;
    assert.ok(cart.measured.p95 <= 22, `p95 ${cart.measured.p95}`);
    assert.strictEqual(cart.mode, "SPICE");
  });

  it("prod at the declared peaks: the single merge slot keeps up, with room", async () => {
    const s = (await run("prod")).slot;
    assert.ok(s.keepsUp);
    assert.strictEqual(s.dropped, 0);
    assert.strictEqual(s.timedOut, 0);
    // About half busy, the hourly identity runs (record from its mark, re-resolution) counted: 0.494 without them.
    assert.ok(s.utilisation > 0.2 && s.utilisation < 0.55, `utilisation ${s.utilisation}`);
    assert.ok(Math.abs(s.utilisation - s.offeredUtilisation) < 0.02, `${s.utilisation} vs offered ${s.offeredUtilisation}`);
  });

  it("a merge slot offered more work than it can run saturates: the queue grows, invocations are dropped, events go stale", async () => {
    const slow: SimOptions = { ...QUICK, model: { ...DEFAULT_MERGE_MODEL, statementSeconds: 25 } };
    const r = await run("prod", slow);
    const s = r.slot;
    assert.ok(s.offeredUtilisation > 1, `offered ${s.offeredUtilisation}`);
    assert.ok(s.utilisation > 0.95, `utilisation ${s.utilisation}`);
    assert.strictEqual(s.keepsUp, false);
    assert.ok(s.dropped > 100, `${s.dropped} dropped`);
    assert.ok(s.maxWaitingLastQuarter >= 2, `at most ${s.maxWaitingLastQuarter} waiting`);
    const cart = r.kpis.find((k) => k.kpi === "cart_abandonment")!;
    assert.strictEqual(cart.withinModel, false);
  });
});

describe("freshness simulation is deterministic by seed", () => {
  it("the same seed gives the same result, another seed another", async () => {
    const a = await simulateFreshness(stackInputs("dev"), { ...QUICK, hours: 6, seed: 11 });
    const b = await simulateFreshness(stackInputs("dev"), { ...QUICK, hours: 6, seed: 11 });
    const c = await simulateFreshness(stackInputs("dev"), { ...QUICK, hours: 6, seed: 12 });
    assert.deepStrictEqual(a, b);
    assert.notDeepStrictEqual(
      a.kpis.map((k) => k.measured),
      c.kpis.map((k) => k.measured),
    );
  });
});
