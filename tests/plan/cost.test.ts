import { strict as assert } from "assert";
import { TAG } from "../../infra/tags";
import { ASSUMPTIONS, CostInput, estimateCost, PRICES } from "../../local/cost";

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

describe("plan: monthly cost estimate", () => {
  it("prices shard-hours from shardCount and Firehose GB from the declared load, in 5 KB steps", () => {
    const cost = estimateCost([stream, firehose]);
    const shardHours = cost.items.find((i) => i.unit === PRICES.kinesisShardHour.unit)!;
    assert.equal(shardHours.quantity, 8 * 730);
    assert.equal(shardHours.monthlyUsd, Math.round(8 * 730 * PRICES.kinesisShardHour.usd * 100) / 100);
    const firehoseGb = cost.items.find((i) => i.service === "Firehose")!;
    const expected = (8000 * ASSUMPTIONS.averageToPeak.value * 5120 * 730 * 3600) / 1024 ** 3;
    assert.equal(firehoseGb.quantity, Math.round(expected * 100) / 100);
    assert.equal(cost.monthlyUsd, Math.round(cost.items.reduce((t, i) => t + i.monthlyUsd, 0) * 100) / 100);
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
    const by = (s: string) => cost.items.find((i) => i.service === s)!;
    assert.equal(by("Athena").quantity, ASSUMPTIONS.athenaQueriesPerDay.value * 30);
    assert.equal(by("QuickSight").quantity, Math.round(((1e6 * ASSUMPTIONS.spiceBytesPerRow.value) / 1024 ** 3) * 100) / 100);
    assert.equal(by("Glue").quantity, 10 * 2 * 24 * 30, "hourly lane: 24 runs a day");
  });
});
