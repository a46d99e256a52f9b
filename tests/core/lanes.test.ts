import { strict as assert } from "assert";
import { allowedLanes, chooseLane, LaneError } from "../../core/lanes";
import { firehoseBufferingSeconds, mergeIntervalMinutes, requiredShards } from "../../core/limits";

describe("lane rule (the seed's lane matrix)", () => {
  const matrix: Array<[string, "event" | "snapshot", number, string, string[]]> = [
    // product, semantics, freshness need (min), default lane, lanes also allowed
    ["cart/browse events (sub-hour abandonment triggers)", "event", 5, "stream", ["stream"]],
    ["POS transactions (Kinesis or 15-min Glue)", "event", 15, "batch-15min", ["stream", "batch-15min"]],
    ["ERP inventory (daily snapshot)", "snapshot", 1440, "batch-daily", ["batch-15min", "batch-hourly", "batch-daily"]],
    ["loyalty tier (daily, low change frequency)", "snapshot", 1440, "batch-daily", ["batch-15min", "batch-hourly", "batch-daily"]],
    ["campaign attribution (hourly stream or batch)", "event", 60, "batch-hourly", ["stream", "batch-15min", "batch-hourly"]],
  ];
  for (const [product, semantics, freshness, lane, allowed] of matrix) {
    it(`${product} → ${lane}`, () => {
      assert.equal(chooseLane({ name: "p", semantics, freshnessMinutes: freshness }), lane);
      assert.deepEqual(allowedLanes(semantics, freshness), allowed);
    });
  }

  it("honours an allowed explicit lane (POS on a stream)", () => {
    assert.equal(chooseLane({ name: "pos", semantics: "event", freshnessMinutes: 15, lane: "stream" }), "stream");
  });

  it("refuses a snapshot on a stream, and a snapshot fresher than any batch", () => {
    assert.throws(() => chooseLane({ name: "inv", semantics: "snapshot", freshnessMinutes: 1440, lane: "stream" }), LaneError);
    assert.throws(
      () => chooseLane({ name: "inv", semantics: "snapshot", freshnessMinutes: 5 }),
      /a snapshot product needs freshnessMinutes >= 15 \(the fastest batch lane\); found 5/,
    );
  });
});

describe("Kinesis shard math", () => {
  const cases: Array<[number, number, number]> = [
    [500, 1024, 1],
    [1000, 1024, 1],
    [1001, 1024, 2],
    [8000, 1024, 8],
    [9000, 1024, 9],
    // Large records bind on bytes: 1,000 rec/s × 50 KiB = 48.8 MiB/s → 49 shards, not 1.
    [1000, 50 * 1024, 49],
    // Exactly 1 MiB/s fits one shard; one byte more needs two.
    [1, 1024 * 1024, 1],
    [2, 1024 * 1024, 2],
  ];
  for (const [records, bytes, shards] of cases) {
    it(`${records} records/s at ${bytes} B → ${shards} shard(s)`, () => assert.equal(requiredShards(records, bytes), shards));
  }
  it("refuses non-positive input rather than sizing zero shards", () => {
    assert.throws(() => requiredShards(0, 1024), RangeError);
  });
});

describe("cadence derived from freshness", () => {
  it("buffers a fifth of the need within Firehose's 60–900 s", () => {
    assert.equal(firehoseBufferingSeconds(5), 60);
    assert.equal(firehoseBufferingSeconds(10), 120);
    assert.equal(firehoseBufferingSeconds(600), 900);
  });
  it("merges at half the need, at least every minute", () => {
    assert.equal(mergeIntervalMinutes(5), 2);
    assert.equal(mergeIntervalMinutes(10), 5);
    assert.equal(mergeIntervalMinutes(1), 1);
  });
});
