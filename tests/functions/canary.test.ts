import { withEnvironment } from "./fakes";
import * as assert from "assert";
import { mockClient } from "aws-sdk-client-mock";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { KinesisClient, PutRecordCommand } from "@aws-sdk/client-kinesis";
import { SNSClient } from "@aws-sdk/client-sns";
import { CANARY_EVENT_ID_PREFIX, CANARY_PRODUCTS, canaryRecord } from "../../core/canary";
import { loadTableDefs } from "../../core/tables";
import { canaryEntry } from "../../functions/lambda";

const kinesis = mockClient(KinesisClient);
const cloudwatch = mockClient(CloudWatchClient);
const sns = mockClient(SNSClient);

const STREAMS = { pos_transactions: "retail-prod-pos-transactions", cart_events: "retail-prod-cart-events" };
const ENVIRONMENT = { ALARM_TOPIC_ARN: "arn:aws:sns:eu-west-1:123456789012:retail-prod-alarms", CANARY_STREAMS: JSON.stringify(STREAMS) };

const decoded = (data: Uint8Array | undefined) => JSON.parse(Buffer.from(data!).toString("utf8")) as Record<string, unknown>;

describe("canary (functions/canary.ts)", () => {
  const log = console.log;
  withEnvironment(ENVIRONMENT);
  beforeEach(() => {
    for (const m of [kinesis, cloudwatch, sns]) m.reset();
    cloudwatch.on(PutMetricDataCommand).resolves({});
    console.log = () => undefined;
  });
  afterEach(() => {
    console.log = log;
  });

  it("puts one marked record per stream, all of one round, keyed by the event id", async () => {
    kinesis.on(PutRecordCommand).resolves({ ShardId: "s", SequenceNumber: "1" });
    const report = await canaryEntry();
    const calls = kinesis.commandCalls(PutRecordCommand).map((c) => c.args[0].input);
    assert.deepStrictEqual(
      calls.map((c) => c.StreamName),
      ["retail-prod-cart-events", "retail-prod-pos-transactions"],
    );
    const rows = calls.map((c) => decoded(c.Data));
    for (const [i, row] of rows.entries()) {
      assert.ok(String(row.event_id).startsWith(CANARY_EVENT_ID_PREFIX), String(row.event_id));
      assert.strictEqual(calls[i].PartitionKey, row.event_id);
      assert.strictEqual(row.event_time, report.sentAt);
      assert.strictEqual(row.received_at, Date.parse(report.sentAt) * 1000);
    }
    const metrics = cloudwatch.commandCalls(PutMetricDataCommand)[0].args[0].input.MetricData!;
    assert.deepStrictEqual(
      metrics.map((m) => [m.MetricName, m.Dimensions![0].Value, m.Value]),
      [
        ["CanaryPutFailed", "pos_transactions", 0],
        ["CanaryPutFailed", "cart_events", 0],
      ],
    );
  });

  it("still puts on the other streams when one refuses, then fails the run naming it", async () => {
    kinesis.on(PutRecordCommand, { StreamName: "retail-prod-cart-events" }).rejects(new Error("ProvisionedThroughputExceededException"));
    kinesis.on(PutRecordCommand, { StreamName: "retail-prod-pos-transactions" }).resolves({ ShardId: "s", SequenceNumber: "1" });
    await assert.rejects(canaryEntry(), /could not put on cart_events \(ProvisionedThroughputExceededException\)/);
    assert.strictEqual(kinesis.commandCalls(PutRecordCommand).length, 2);
    const metrics = cloudwatch.commandCalls(PutMetricDataCommand)[0].args[0].input.MetricData!;
    assert.deepStrictEqual(
      metrics.filter((m) => m.Value === 1).map((m) => m.Dimensions![0].Value),
      ["cart_events"],
    );
  });

  it("writes exactly its bronze table's columns for every product it knows", () => {
    const defs = loadTableDefs();
    for (const product of CANARY_PRODUCTS) {
      const columns = defs.get(`retail_bronze.${product}`)!.columns.map((c) => c.name);
      assert.deepStrictEqual(Object.keys(canaryRecord(product, new Date("2026-07-01T10:00:00Z"))).sort(), [...columns].sort(), product);
    }
  });

  it("refuses a stream product it has no valid row for, naming the fix", () => {
    assert.throws(() => canaryRecord("clickstream", new Date()), /stream product "clickstream" has no canary row\. Fix: add one to core\/canary\.ts/);
  });
});
