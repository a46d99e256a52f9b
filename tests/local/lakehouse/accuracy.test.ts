import * as assert from "assert";
import { LocalLakehouse } from "../../../local/lakehouse/duckdb";
import { generate } from "../../../local/lakehouse/generate";
import { createGoldViews, mergeWindow } from "../../../local/lakehouse/pipeline";
import { Accuracy, measureConversion } from "../../../local/lakehouse/accuracy";
import { LOCAL_EMAIL_SALT } from "../../../local/lakehouse/run";

async function accuracyFor(seed: number, events: number, days: number): Promise<Accuracy> {
  const lake = await LocalLakehouse.open();
  try {
    await generate(lake, { events, seed, days, startDay: "2026-06-01" });
    // Every received day: late events land up to a day after the last event day.
    const end = new Date(Date.UTC(2026, 5, 1 + days + 2)).toISOString().slice(0, 10);
    await mergeWindow(lake, { start: "2026-06-01 00:00:00", end: `${end} 00:00:00` }, LOCAL_EMAIL_SALT);
    await createGoldViews(lake, "omnichannel");
    return await measureConversion(lake);
  } finally {
    lake.close();
  }
}

describe("naive email match vs identity_bridge on generated data", () => {
  // The issue asks for a few hundred thousand events: one seed at 300k over 30 days, two more at 100k over 10.
  for (const [seed, events, days] of [
    [11, 300_000, 30],
    [23, 100_000, 10],
    [47, 100_000, 10],
  ]) {
    it(`seed ${seed}, ${events} events: naive reproduces the seed's failure, bridged holds error <= 2 % and every region <= 100 %`, async () => {
      const a = await accuracyFor(seed, events, days);
      assert.ok(a.naive.error >= 0.08, `naive error ${a.naive.error}`);
      assert.ok(a.naive.maxRegionConversionRate > 1, `naive max region ${a.naive.maxRegionConversionRate}`);
      assert.ok(a.bridged.error <= 0.02, `bridged error ${a.bridged.error}`);
      assert.ok(a.bridged.error > 0, "a bridged error of exactly zero means the truth leaked into the pipeline");
      assert.ok(a.bridged.maxRegionConversionRate <= 1, `bridged max region ${a.bridged.maxRegionConversionRate}`);
    });
  }

  it("is deterministic for a seed and differs across seeds", async () => {
    const [a, b] = [await accuracyFor(5, 5_000, 3), await accuracyFor(5, 5_000, 3)];
    assert.deepStrictEqual(a, b);
    const c = await accuracyFor(6, 5_000, 3);
    assert.notStrictEqual(c.truth.conversion_rate, a.truth.conversion_rate);
  });
});

describe("the generator's footprint", () => {
  it("leaves bronze and truth.sessions, and drops its per person-day working table", async () => {
    const lake = await LocalLakehouse.open();
    try {
      const counts = await generate(lake, { events: 5_000, seed: 5, days: 3, startDay: "2026-06-01" });
      const tables = (await lake.query("SELECT schema_name || '.' || table_name AS t FROM duckdb_tables() ORDER BY 1")).map((r) => String(r.t));
      assert.ok(tables.includes("truth.sessions") && tables.includes("retail_bronze.cart_events"), tables.join(", "));
      // At 10M events the working table holds 3.4M rows the merges need the memory of.
      assert.deepStrictEqual(
        tables.filter((t) => t.endsWith("person_days")),
        [],
      );
      assert.ok(counts.households > 0 && counts.members >= counts.households, JSON.stringify(counts));
    } finally {
      lake.close();
    }
  });
});
