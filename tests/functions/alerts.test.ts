import * as assert from "assert";
import { mockClient } from "aws-sdk-client-mock";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { AwsAlerts, Metric } from "../../functions/alerts";

const cloudwatch = mockClient(CloudWatchClient);
const sns = mockClient(SNSClient);
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:retail-prod-alarms";
const NOW = new Date("2026-07-01T10:00:00Z");

function alerts(): AwsAlerts {
  return new AwsAlerts(new CloudWatchClient({}), new SNSClient({}), TOPIC, () => NOW);
}

describe("AwsAlerts", () => {
  beforeEach(() => {
    cloudwatch.reset();
    sns.reset();
    cloudwatch.on(PutMetricDataCommand).resolves({});
    sns.on(PublishCommand).resolves({ MessageId: "m-1" });
  });

  it("clips a subject naming many KPIs to SNS's 100 characters, ending in an ellipsis, and keeps the message whole", async () => {
    const kpis = ["conversion_rate", "basket_value", "loyalty_mix", "stock_cover", "repeat_rate", "refund_rate", "active_members"];
    const subject = `retail freshness: ${kpis.join(", ")} over budget`;
    const message = kpis.map((k) => `STALE ${k}`).join("\n");
    await alerts().notify(subject, message);
    const [call] = sns.commandCalls(PublishCommand);
    const sent = call.args[0].input;
    assert.ok(subject.length > 100, `the fixture must be over the limit: ${subject.length}`);
    assert.strictEqual(sent.Subject, `${subject.slice(0, 97)}...`);
    assert.strictEqual(sent.Subject!.length, 100);
    assert.strictEqual(sent.Message, message);
    assert.strictEqual(sent.TopicArn, TOPIC);
  });

  it("sends a subject of exactly 100 characters as it is and replaces what SNS would reject", async () => {
    const exact = `retail reconcile 2026-07-01: ${"x".repeat(71)}`;
    await alerts().notify(exact, "m");
    await alerts().notify("retail reconcile – 2026-07-01\n", "m");
    assert.deepStrictEqual(
      sns.commandCalls(PublishCommand).map((c) => c.args[0].input.Subject),
      [exact, "retail reconcile ? 2026-07-01?"],
    );
  });

  it("splits metrics over PutMetricData's 1,000-datum limit and sends every datum once, in order", async () => {
    const metrics: Metric[] = Array.from({ length: 2345 }, (_, i) => ({
      name: "RowsMerged",
      value: i,
      unit: "Count",
      dimensions: { Table: `t${i}` },
    }));
    await alerts().putMetrics(metrics);
    const calls = cloudwatch.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input);
    assert.deepStrictEqual(
      calls.map((c) => [c.Namespace, c.MetricData!.length]),
      [
        ["Retail/Operations", 1000],
        ["Retail/Operations", 1000],
        ["Retail/Operations", 345],
      ],
    );
    const sent = calls.flatMap((c) => c.MetricData!);
    assert.deepStrictEqual(
      sent.map((d) => d.Value),
      metrics.map((m) => m.value),
    );
    assert.deepStrictEqual(sent[2344], {
      MetricName: "RowsMerged",
      Value: 2344,
      Unit: "Count",
      Timestamp: NOW,
      Dimensions: [{ Name: "Table", Value: "t2344" }],
    });
  });

  it("defaults a metric's unit to None and makes no call for no metrics", async () => {
    await alerts().putMetrics([]);
    assert.strictEqual(cloudwatch.commandCalls(PutMetricDataCommand).length, 0);
    await alerts().putMetrics([{ name: "DriftRatio", value: 0.01 }]);
    assert.deepStrictEqual(cloudwatch.commandCalls(PutMetricDataCommand)[0].args[0].input.MetricData, [
      { MetricName: "DriftRatio", Value: 0.01, Unit: "None", Timestamp: NOW, Dimensions: [] },
    ]);
  });
});
