import { Metric } from "./alerts";
import { canaryEventId, canaryRecord } from "../core/canary";
import { OPERATIONS_METRICS } from "../core/metrics";

export interface CanarySettings {
  /** Kinesis stream name by stream product: each round puts one canary record on each. */
  readonly streams: Readonly<Record<string, string>>;
}

/** The one Kinesis call the canary makes, so tests and the entry point supply it. */
export interface CanaryStreams {
  putRecord(streamName: string, partitionKey: string, data: Uint8Array): Promise<void>;
}

export interface CanaryDeps {
  readonly streams: CanaryStreams;
  readonly alerts: { putMetrics(metrics: readonly Metric[]): Promise<void> };
  readonly now: () => Date;
}

export interface CanaryReport {
  /** The round's send time: every product's canary carries it. */
  readonly sentAt: string;
  readonly sent: { product: string; eventId: string }[];
  readonly failed: { product: string; error: string }[];
}

export class CanaryFailed extends Error {
  constructor(readonly report: CanaryReport) {
    super(`canary ${report.sentAt}: could not put on ${report.failed.map((f) => `${f.product} (${f.error})`).join(", ")}`);
  }
}

/**
 * One canary round: the same send time on every stream, one marked record each (core/canary.ts), so the freshness
 * function can follow the round to silver, the gold views and SPICE. A stream that refuses the record is tried once
 * (the schedule's next round is the retry); the others still get theirs, then the run fails so its alarm fires.
 */
export async function runCanary(settings: CanarySettings, deps: CanaryDeps): Promise<CanaryReport> {
  // Whole seconds: the id and event_time then name the same instant in every engine that parses them.
  const sentAt = new Date(Math.floor(deps.now().getTime() / 1000) * 1000);
  const sent: CanaryReport["sent"] = [];
  const failed: CanaryReport["failed"] = [];
  for (const [product, streamName] of Object.entries(settings.streams).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const eventId = canaryEventId(product, sentAt);
    try {
      const record = canaryRecord(product, sentAt);
      await deps.streams.putRecord(streamName, eventId, new TextEncoder().encode(JSON.stringify(record)));
      sent.push({ product, eventId });
    } catch (e) {
      failed.push({ product, error: (e as Error).message });
    }
  }
  await deps.alerts.putMetrics(
    Object.keys(settings.streams).map((product) => ({
      name: OPERATIONS_METRICS.canaryPutFailed.metricName,
      value: failed.some((f) => f.product === product) ? 1 : 0,
      unit: "Count" as const,
      dimensions: { Product: product },
    })),
  );
  const report = { sentAt: sentAt.toISOString(), sent, failed };
  if (failed.length > 0) throw new CanaryFailed(report);
  return report;
}
