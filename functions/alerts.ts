import { CloudWatchClient, MetricDatum, PutMetricDataCommand, StandardUnit } from "@aws-sdk/client-cloudwatch";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { METRIC_NAMESPACE } from "../core/runtime";

export interface Metric {
  readonly name: string;
  readonly value: number;
  readonly unit?: StandardUnit;
  readonly dimensions?: Record<string, string>;
}

/** Where handlers report: metrics (alarms watch them) and one human-readable message per run when needed. */
export interface Alerts {
  putMetrics(metrics: readonly Metric[]): Promise<void>;
  notify(subject: string, message: string): Promise<void>;
}

/** PutMetricData takes at most 1,000 datums per call. */
const DATUMS_PER_CALL = 1000;
/** SNS subjects are at most 100 printable ASCII characters. */
const MAX_SUBJECT = 100;

export class AwsAlerts implements Alerts {
  constructor(
    private readonly cloudwatch: CloudWatchClient,
    private readonly sns: SNSClient,
    private readonly topicArn: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async putMetrics(metrics: readonly Metric[]): Promise<void> {
    const timestamp = this.now();
    const data: MetricDatum[] = metrics.map((m) => ({
      MetricName: m.name,
      Value: m.value,
      Unit: m.unit ?? "None",
      Timestamp: timestamp,
      Dimensions: Object.entries(m.dimensions ?? {}).map(([Name, Value]) => ({ Name, Value })),
    }));
    for (let i = 0; i < data.length; i += DATUMS_PER_CALL) {
      await this.cloudwatch.send(new PutMetricDataCommand({ Namespace: METRIC_NAMESPACE, MetricData: data.slice(i, i + DATUMS_PER_CALL) }));
    }
  }

  async notify(subject: string, message: string): Promise<void> {
    const ascii = subject.replace(/[^\x20-\x7e]/g, "?");
    const clipped = ascii.length > MAX_SUBJECT ? `${ascii.slice(0, MAX_SUBJECT - 3)}...` : ascii;
    await this.sns.send(new PublishCommand({ TopicArn: this.topicArn, Subject: clipped, Message: message }));
  }
}
