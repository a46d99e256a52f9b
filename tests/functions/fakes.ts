import { Alerts, Metric } from "../../functions/alerts";

/** Alerts that remember what a handler reported, for assertions. */
export class RecordingAlerts implements Alerts {
  readonly metrics: Metric[] = [];
  readonly messages: { subject: string; message: string }[] = [];

  async putMetrics(metrics: readonly Metric[]): Promise<void> {
    this.metrics.push(...metrics);
  }

  async notify(subject: string, message: string): Promise<void> {
    this.messages.push({ subject, message });
  }

  metric(name: string, dimension?: [string, string]): number | undefined {
    return this.metrics.find((m) => m.name === name && (!dimension || m.dimensions?.[dimension[0]] === dimension[1]))?.value;
  }
}
