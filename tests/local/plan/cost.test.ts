import { strict as assert } from "assert";
import { TAG } from "../../../core/tags";
import { CostInput, dailyLayerBytes, estimateCost, streamedBytesPerDay } from "../../../core/cost";
import { runStack } from "../../support/stacks";

/*
 * Every expected dollar below is worked by hand from core/cost.ts's documented list prices and assumptions:
 * a month is 730 h (2,628,000 s), sustained load is 25 % of the declared peak, a GB is 2^30 bytes, and each line
 * item is rounded to the cent before the total adds them up.
 */

// prod's cart_events lane: 8 shards for 8,000 rec/s of 1 KiB (README's lane table), Firehose buffering 60 s.
const stream: CostInput = {
  type: "aws:kinesis/stream:Stream",
  name: "cart",
  urn: "urn:s",
  inputs: { shardCount: 8, tags: { [TAG.peakRecordsPerSecond]: "8000", [TAG.avgRecordBytes]: "1024", [TAG.dataProduct]: "cart_events" } },
};
const firehose: CostInput = {
  type: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
  name: "cart-delivery",
  urn: "urn:f",
  inputs: { icebergConfiguration: { bufferingInterval: 60 }, tags: { [TAG.dataProduct]: "cart_events" } },
};

const line = (i: { service: string; resource: string; quantity: number; unit: string; monthlyUsd: number }) =>
  `${i.service} | ${i.resource} | ${i.quantity} ${i.unit} | $${i.monthlyUsd}`;

describe("plan: monthly cost estimate", () => {
  it("prices a streaming lane: shard-hours, PUT units, Firehose GB in 5 KB steps, and S3 Tables storage, compaction, commits", () => {
    const cost = estimateCost([stream, firehose]);
    assert.deepEqual(cost.items.map(line), [
      // 8 shards × 730 h = 5,840 shard-hours × $0.015 = $87.60
      "Kinesis | cart | 5840 shard-hour | $87.6",
      // 2,000 rec/s sustained × 1 unit (1 KiB ≤ 25 KB) × 2,628,000 s = 5,256 M units × $0.014 = $73.584
      "Kinesis | cart | 5256 million PUT payload units (25 KB each) | $73.58",
      // 2,000 rec/s × 5,120 B (1 KiB billed as 5 KB) × 2,628,000 s / 2^30 = 25,062.56 GB × $0.029 = $726.814
      "Firehose | cart-delivery | 25062.56 GB ingested (records rounded up to 5 KB) | $726.81",
      // 2,000 rec/s × 1,024 B × 2,628,000 s / 2^30 = 5,012.51 GB × 0.2 columnar × 2 layers = 2,005.00 GB × $0.0265 = $53.133
      "S3 Tables | cart_events (bronze+silver) | 2005 GB-month | $53.13",
      // the same 2,005.00 GB × $0.05 = $100.25
      "S3 Tables | cart_events (compaction) | 2005 GB compacted | $100.25",
      // 2,628,000 s / 60 s = 43,800 commits = 43.8 thousand × $0.005 = $0.219
      "S3 Tables | cart_events (Firehose commits) | 43.8 thousand PUT requests | $0.22",
    ]);
    // 87.60 + 73.58 + 726.81 + 53.13 + 100.25 + 0.22
    assert.equal(cost.monthlyUsd, 1041.59);
  });

  it("prices Athena at the cutoff, SPICE from expected rows, and Glue from workers, timeout and schedule", () => {
    const cost = estimateCost([
      { type: "aws:athena/workgroup:Workgroup", name: "wg", urn: "urn:w", inputs: { configuration: { bytesScannedCutoffPerQuery: 1024 ** 4 } } },
      { type: "aws:quicksight/dataSet:DataSet", name: "ds", urn: "urn:d", inputs: { importMode: "SPICE", tags: { [TAG.expectedRows]: "1000000" } } },
      { type: "aws:glue/job:Job", name: "job", urn: "urn:j", inputs: { numberOfWorkers: 10, timeout: 120 } },
      {
        type: "aws:glue/trigger:Trigger",
        name: "t",
        urn: "urn:t",
        inputs: { schedule: "cron(5 * * * ? *)" },
        propertyDependencies: { actions: ["urn:j"] },
      },
    ]);
    assert.deepEqual(cost.items.map(line), [
      // hourly lane: 10 DPU × 2 h × 24 runs/day × 30 days = 14,400 DPU-hours × $0.44
      "Glue | job | 14400 DPU-hour | $6336",
      // 50 queries/day × 30 days at a 1 TiB cutoff = 1,500 TB × $5
      "Athena | wg | 1500 TB scanned | $7500",
      // 1,000,000 rows × 500 B / 2^30 = 0.4657 GB × $0.38 = $0.177
      "QuickSight | ds | 0.47 GB-month | $0.18",
    ]);
  });

  it("sizes a SPICE refresh as window days × the daily silver bytes of its source products, per scheduled run", () => {
    const dataset = (name: string, sql: string, extra: Record<string, unknown> = {}): CostInput => ({
      type: "aws:quicksight/dataSet:DataSet",
      name,
      urn: `urn:${name}`,
      inputs: {
        importMode: "SPICE",
        dataSetId: name,
        physicalTableMaps: [{ customSql: { sqlQuery: sql } }],
        tags: { [TAG.kpi]: name, [TAG.sourceProducts]: "cart_events loyalty_redemptions" },
        ...extra,
      },
    });
    const schedule = (name: string, dataSetId: string, refreshType: string, interval: string): CostInput => ({
      type: "aws:quicksight/refreshSchedule:RefreshSchedule",
      name,
      urn: `urn:${name}`,
      inputs: { dataSetId, schedule: { refreshType, scheduleFrequency: { interval } } },
    });
    const lookback = { refreshConfiguration: { incrementalRefresh: { lookbackWindow: { columnName: "day", size: 2, sizeUnit: "DAY" } } } };
    const cost = estimateCost([
      stream,
      dataset("carts", "SELECT * FROM retail_gold.carts WHERE day > current_date - INTERVAL '3' DAY", { refreshProperties: lookback }),
      schedule("carts-refresh", "carts", "INCREMENTAL_REFRESH", "MINUTE15"),
      schedule("carts-nightly", "carts", "FULL_REFRESH", "DAILY"),
      // No window the model can read: left out here (the policy pack reports it), never priced as one day.
      dataset("unbounded", "SELECT * FROM retail_gold.carts"),
      schedule("unbounded-refresh", "unbounded", "FULL_REFRESH", "HOURLY"),
    ]);
    // cart_events: 2,000 rec/s sustained × 1,024 B × 86,400 s × 0.2 columnar = 35,389,440,000 B (32.96 GiB) a day;
    // loyalty_redemptions is a batch product with no declared volume: named, not counted.
    assert.deepEqual(
      cost.refreshes.map((r) => [r.kpi, r.windowDays, r.bytesPerDay, r.bytesPerRefresh, r.uncounted, r.bytesPerMonth]),
      [["carts", 3, 35_389_440_000, 106_168_320_000, ["loyalty_redemptions"], 2880 * 2 * 35_389_440_000 + 30 * 3 * 35_389_440_000]],
    );
    assert.deepEqual(cost.items.filter((i) => i.resource.startsWith("carts") || i.resource.startsWith("unbounded")).map(line), [
      // 2,880 × 2 days (the lookback) × 35,389,440,000 B / 2^40 = 185.394 TB × $5 = $926.97
      "Athena | carts-refresh | 185.39 TB scanned | $926.97",
      // 30 × 3 days (the window) × 35,389,440,000 B / 2^40 = 2.897 TB × $5 = $14.48
      "Athena | carts-nightly | 2.9 TB scanned | $14.48",
    ]);
    assert.match(
      cost.items.find((i) => i.resource === "carts-nightly")!.basis,
      /^30 full refreshes\/month × 98\.88 GiB \(3 days × 32\.96 GiB\/day of cart_events; not counted: loyalty_redemptions, no declared volume\)$/,
    );
  });

  it("prices the prod plan at one total", async () => {
    const cost = estimateCost((await runStack("prod")).resources);
    // cart_events lane, as above                                                               1,041.59
    // pos_transactions: 2 shards × 730 h × $0.015 = 21.90; 375 rec/s × 2,628,000 s = 985.5 M PUT units × $0.014 = 13.80;
    //   375 × 5,120 B × 2,628,000 s / 2^30 = 4,699.23 GB × $0.029 = 136.28; 375 × 768 B × 2,628,000 s / 2^30 × 0.4
    //   = 281.95 GB × $0.0265 = 7.47 and × $0.05 = 14.10; 43.8 thousand commits = 0.22                  193.77
    // Glue: loyalty_tier 4 DPU × 1 h × 30 = 120 → 52.80; loyalty_redemptions 2 × 0.5 h × 24 × 30 = 720 → 316.80;
    //   campaign_attribution the same → 316.80; erp_inventory 10 × 2 h × 30 = 600 → 264.00 (all at $0.44/DPU-hour) 950.40
    // Athena: 7 workgroups (operations, platform, 5 owner teams) × 50 queries × 30 days × 100 GiB
    //   = 146.48 TB × $5 = 732.42 each                                                                   5,126.94
    // SPICE: conversion_rate and cart_abandonment 30,000 rows × 500 B = 0.014 GB × $0.38 = 0.01 each;
    //   loyalty_redemption_rate 4,000 rows = 0.00; campaign_roas 150,000 rows = 0.070 GB = 0.03; sku_velocity and
    //   inventory_fill_rate are DIRECT_QUERY                                                                0.05
    // SPICE refreshes, each 2 days × (35,389,440,000 + 4,976,640,000) B/day = 80,732,160,000 B (75.19 GiB):
    //   conversion_rate and campaign_roas hourly 720 × that / 2^40 = 52.87 TB → 264.33 each (campaign_attribution,
    //   a batch product, declares no volume); loyalty_redemption_rate daily 30 → 11.01;
    //   cart_abandonment 2,880 incremental (2-day lookback) → 1,057.33 and 30 nightly full → 11.01       1,608.01
    assert.equal(cost.monthlyUsd, 8920.76);
    assert.deepEqual(
      cost.refreshes.map((r) => [r.kpi, r.windowDays, r.bytesPerRefresh]),
      [
        ["conversion_rate", 2, 80_732_160_000],
        ["loyalty_redemption_rate", 2, 80_732_160_000],
        ["campaign_roas", 2, 80_732_160_000],
        ["cart_abandonment", 2, 80_732_160_000],
      ],
    );
  });
});

describe("streamedBytesPerDay: the cost model sizes a product as the refresh rule does", () => {
  const stream = (name: string, product: string, peak: number, bytes: number): CostInput => ({
    type: "aws:kinesis/stream:Stream",
    name,
    urn: `urn:${name}`,
    inputs: { tags: { [TAG.dataProduct]: product, [TAG.peakRecordsPerSecond]: String(peak), [TAG.avgRecordBytes]: String(bytes) } },
  });
  it("adds two streams tagged with one product, never keeps only the last", () => {
    const one = streamedBytesPerDay([stream("a", "cart_events", 1000, 1024)]).get("cart_events")!;
    const both = streamedBytesPerDay([stream("a", "cart_events", 1000, 1024), stream("b", "cart_events", 500, 1024)]).get("cart_events")!;
    assert.equal(one, dailyLayerBytes(1000, 1024));
    assert.equal(both, dailyLayerBytes(1000, 1024) + dailyLayerBytes(500, 1024));
  });
});
