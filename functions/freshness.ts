import { Metric } from "./alerts";
import { QueryHandlerDeps } from "./queryRunner";
import { renderSql, sqlTimestamp } from "../core/sql/render";
import { splitStatements } from "../core/sql/text";
import { OPERATIONS_METRICS } from "../core/metrics";
import { canaryLookbackMinutes, CanaryFreshnessSettings, Ingestion, measureKpi, MeasuredKpi, parseArrivals } from "./measuredFreshness";

export interface FreshnessKpi {
  /** Minutes the KPI may lag real time. */
  readonly budgetMinutes: number;
  /** Silver tables its gold view reads: the KPI is as stale as the stalest of them. */
  readonly tables: readonly string[];
}

export interface FreshnessSettings {
  /** Text of sql/freshness/<table>.sql by silver table; each returns one row {newest_event_ts}. */
  readonly tables: Readonly<Record<string, string>>;
  readonly kpis: Readonly<Record<string, FreshnessKpi>>;
  /** Minutes between runs: a KPI is alerted on the first run that finds it over budget, not on every run after. */
  readonly intervalMinutes: number;
  /** Measured freshness from the canary's rounds; absent while the canary is off. */
  readonly canary?: CanaryFreshnessSettings;
  /** Text of sql/coverage/bridge_coverage.sql and how many minutes of purchases it reads. */
  readonly bridgeCoverage?: { readonly sql: string; readonly windowMinutes: number };
}

/** What the freshness function reads besides Athena: SPICE ingestions of one data set created since a time. */
export interface FreshnessDeps extends QueryHandlerDeps {
  readonly ingestions?: (dataSetId: string, since: Date) => Promise<Ingestion[]>;
}

export interface BridgeCoverage {
  readonly product: string;
  readonly purchases: number;
  readonly resolved: number;
  readonly coverage: number;
}

export type TableFreshness =
  | { table: string; status: "ok"; newest: string; stalenessMinutes: number }
  | { table: string; status: "empty" }
  | { table: string; status: "error"; error: string };

export interface KpiFreshness {
  readonly kpi: string;
  readonly budgetMinutes: number;
  /** Undefined when an input table is empty or could not be read. */
  readonly stalenessMinutes?: number;
  /** The input table that sets the staleness, or the one that could not be measured. */
  readonly limitedBy?: string;
  readonly status: "fresh" | "stale" | "unknown";
  /** Over budget now and within budget one run ago: the run that alerts. */
  readonly newlyStale: boolean;
}

export interface FreshnessReport {
  readonly at: string;
  readonly tables: TableFreshness[];
  readonly kpis: KpiFreshness[];
  readonly measured?: MeasuredKpi[];
  readonly bridgeCoverage?: BridgeCoverage[];
  /** What could not be read beyond the tables: the canary arrivals, a data set's ingestions, bridge coverage. */
  readonly errors?: string[];
}

export class FreshnessFailed extends Error {
  constructor(readonly report: FreshnessReport) {
    const failed = [...report.tables.filter((t) => t.status === "error").map((t) => t.table), ...(report.errors ?? [])];
    super(`freshness ${report.at}: could not read ${failed.join(", ")}`);
  }
}

/** Athena answers `2026-07-01 10:00:00.000`, DuckDB `2026-07-01 10:00:00`; both are UTC wall times. */
export function parseEventTime(value: unknown): Date | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value;
  const text = String(value).trim().replace(" ", "T");
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
  if (Number.isNaN(d.getTime())) throw new Error(`newest_event_ts ${JSON.stringify(value)} is not a timestamp`);
  return d;
}

/** Judge every KPI from its input tables' staleness. Pure, so the alert rule is tested without a lakehouse. */
export function judgeKpis(tables: readonly TableFreshness[], settings: Pick<FreshnessSettings, "kpis" | "intervalMinutes">): KpiFreshness[] {
  const byTable = new Map(tables.map((t) => [t.table, t]));
  return Object.entries(settings.kpis).map(([kpi, { budgetMinutes, tables: inputs }]) => {
    let worst: { table: string; minutes: number } | undefined;
    for (const table of inputs) {
      const t = byTable.get(table);
      if (!t || t.status !== "ok") return { kpi, budgetMinutes, limitedBy: table, status: "unknown", newlyStale: false };
      if (!worst || t.stalenessMinutes > worst.minutes) worst = { table, minutes: t.stalenessMinutes };
    }
    const minutes = worst?.minutes ?? 0;
    const stale = minutes > budgetMinutes;
    return {
      kpi,
      budgetMinutes,
      stalenessMinutes: minutes,
      limitedBy: worst?.table,
      status: stale ? "stale" : "fresh",
      newlyStale: stale && minutes - settings.intervalMinutes <= budgetMinutes,
    };
  });
}

/** The freshness SQL reads only this far back (partition-pruned): a week, or twice the largest budget if longer. */
export function lookbackMinutes(kpis: FreshnessSettings["kpis"]): number {
  return Math.max(7 * 24 * 60, 2 * Math.max(0, ...Object.values(kpis).map((k) => k.budgetMinutes)));
}

async function queryAll(deps: QueryHandlerDeps, sql: string, since: string): Promise<Record<string, unknown>[]> {
  let rows: Record<string, unknown>[] = [];
  for (const statement of splitStatements(renderSql(sql, { since }))) rows = await deps.runner.query(statement);
  return rows;
}

/** Measured freshness per KPI from the canary's arrivals and, for SPICE KPIs, their data sets' ingestions. */
async function measure(c: CanaryFreshnessSettings, deps: FreshnessDeps, now: Date, errors: string[]): Promise<MeasuredKpi[]> {
  const since = new Date(now.getTime() - canaryLookbackMinutes(c) * 60_000);
  let arrivals;
  try {
    arrivals = parseArrivals(await queryAll(deps, c.sql, sqlTimestamp(since)));
  } catch (e) {
    errors.push(`canary_arrivals (${(e as Error).message})`);
    return [];
  }
  const measured: MeasuredKpi[] = [];
  for (const [kpi, k] of Object.entries(c.kpis)) {
    let ingestions: Ingestion[] | undefined;
    if (k.dataSetId !== undefined) {
      try {
        if (!deps.ingestions) throw new Error("no QuickSight client");
        ingestions = await deps.ingestions(k.dataSetId, since);
      } catch (e) {
        errors.push(`ingestions of data set ${k.dataSetId} (${(e as Error).message})`);
        continue;
      }
    }
    measured.push(measureKpi(kpi, k, arrivals, ingestions, c.intervalMinutes, now));
  }
  return measured;
}

async function bridgeCoverage(b: NonNullable<FreshnessSettings["bridgeCoverage"]>, deps: QueryHandlerDeps, now: Date): Promise<BridgeCoverage[]> {
  const rows = await queryAll(deps, b.sql, sqlTimestamp(new Date(now.getTime() - b.windowMinutes * 60_000)));
  return rows
    .map((r) => ({ product: String(r.product), purchases: Number(r.purchases), resolved: Number(r.resolved) }))
    .filter((r) => r.purchases > 0)
    .map((r) => ({ ...r, coverage: r.resolved / r.purchases }));
}

/**
 * Newest event time of every silver table against now, and each KPI against its budget. Metrics go out every
 * run (the staleness alarms watch them); the SNS alert goes out once, on the run a KPI crosses its budget.
 * With the canary on, also the measured freshness per KPI and the bridge coverage per product. Anything that cannot
 * be read fails the invocation after reporting the rest.
 */
export async function runFreshness(settings: FreshnessSettings, deps: FreshnessDeps): Promise<FreshnessReport> {
  const now = deps.now();
  const since = sqlTimestamp(new Date(now.getTime() - lookbackMinutes(settings.kpis) * 60_000));
  const tables: TableFreshness[] = [];
  for (const [table, sql] of Object.entries(settings.tables)) {
    try {
      const rows = await queryAll(deps, sql, since);
      const newest = parseEventTime(rows[0]?.newest_event_ts);
      tables.push(
        newest
          ? { table, status: "ok", newest: newest.toISOString(), stalenessMinutes: Math.max(0, (now.getTime() - newest.getTime()) / 60_000) }
          : { table, status: "empty" },
      );
    } catch (e) {
      tables.push({ table, status: "error", error: (e as Error).message });
    }
  }
  const kpis = judgeKpis(tables, settings);
  const errors: string[] = [];
  const measured = settings.canary ? await measure(settings.canary, deps, now, errors) : undefined;
  let coverage: BridgeCoverage[] | undefined;
  if (settings.bridgeCoverage) {
    try {
      coverage = await bridgeCoverage(settings.bridgeCoverage, deps, now);
    } catch (e) {
      errors.push(`bridge coverage (${(e as Error).message})`);
    }
  }
  const report: FreshnessReport = {
    at: now.toISOString(),
    tables,
    kpis,
    ...(measured ? { measured } : {}),
    ...(coverage ? { bridgeCoverage: coverage } : {}),
    ...(errors.length > 0 ? { errors } : {}),
  };
  const metrics: Metric[] = [
    ...tables.flatMap((t) =>
      t.status === "ok"
        ? [
            {
              name: OPERATIONS_METRICS.tableStalenessMinutes.metricName,
              value: t.stalenessMinutes,
              unit: "None" as const,
              dimensions: { Table: t.table },
            },
          ]
        : [],
    ),
    // An unmeasurable KPI publishes nothing: its alarm treats missing data as breaching.
    ...kpis.flatMap((k) =>
      k.stalenessMinutes !== undefined
        ? [{ name: OPERATIONS_METRICS.stalenessMinutes.metricName, value: k.stalenessMinutes, unit: "None" as const, dimensions: { Kpi: k.kpi } }]
        : [],
    ),
    // A KPI the canary cannot measure yet publishes nothing either: its measured-freshness alarm treats that as breaching.
    ...(measured ?? []).flatMap((m) =>
      m.minutes !== undefined
        ? [{ name: OPERATIONS_METRICS.measuredFreshnessMinutes.metricName, value: m.minutes, unit: "None" as const, dimensions: { Kpi: m.kpi } }]
        : [],
    ),
    ...(coverage ?? []).map((c) => ({
      name: OPERATIONS_METRICS.bridgeCoverage.metricName,
      value: c.coverage,
      unit: "None" as const,
      dimensions: { Product: c.product },
    })),
  ];
  await deps.alerts.putMetrics(metrics);
  const newly = kpis.filter((k) => k.newlyStale);
  if (newly.length > 0) {
    const lines = newly.map(
      (k) => `STALE ${k.kpi}: ${Math.round(k.stalenessMinutes!)} min behind (budget ${k.budgetMinutes} min), limited by retail_silver.${k.limitedBy}`,
    );
    await deps.alerts.notify(
      `retail freshness: ${newly.map((k) => k.kpi).join(", ")} over budget`,
      [...lines, "", "What to do: README, Operations, alarm 'KPI staleness'."].join("\n"),
    );
  }
  if (tables.some((t) => t.status === "error") || errors.length > 0) throw new FreshnessFailed(report);
  return report;
}
