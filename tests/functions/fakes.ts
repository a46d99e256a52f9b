import { Alerts, Metric } from "../../functions/alerts";
import { QueryRunner, Row } from "../../functions/queryRunner";

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

/** A runner answering by the first rule whose pattern the statement matches, recording every statement. */
export function fakeRunner(rules: [RegExp, Row[] | Error][]): QueryRunner & { statements: string[] } {
  const statements: string[] = [];
  return {
    statements,
    async query(sql: string) {
      statements.push(sql);
      const rule = rules.find(([re]) => re.test(sql));
      if (!rule) throw new Error(`no fake answer for: ${sql.slice(0, 80)}`);
      if (rule[1] instanceof Error) throw rule[1];
      return rule[1];
    },
  };
}

/** Set `env` in process.env for the enclosing describe block, restoring what was there after it. */
export function withEnvironment(env: Record<string, string>): void {
  const saved: Record<string, string | undefined> = {};
  before(() => {
    for (const [k, v] of Object.entries(env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}
