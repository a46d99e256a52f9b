import { BATCH_CADENCE_MINUTES, BATCH_SCHEDULE } from "./lanes";
import { firehoseBufferingSeconds, MERGE_TIMEOUT_SECONDS, mergeIntervalMinutes } from "./limits";
import { effectiveRefresh, KpiCatalogError, KpiDefinition } from "./kpiCatalog";
import { Lane } from "./lanes";

/**
 * Worst-case minutes from a source event to the dashboard, per KPI, computed from the same functions and config
 * values the resources are built from (Firehose buffering, the merge schedule and timeout, Glue schedules and
 * timeouts, the merge each successful Glue run triggers, the dataset's refresh). Nothing here restates a number: move an input and the budget moves.
 */

export interface FreshnessPart {
  readonly what: string;
  readonly minutes: number;
}

export interface KpiFreshness {
  readonly minutes: number;
  /** The steward's target from the catalog (the seed's 22 minutes for cart_abandonment). */
  readonly budgetMinutes: number;
  /** Where the minutes go: the slowest source's path, then the dataset refresh. */
  readonly parts: readonly FreshnessPart[];
}

/** The data products a KPI can read, as far as their freshness goes (the program's config has this shape). */
export interface FreshnessSources {
  readonly streams: readonly { readonly name: string; readonly freshnessMinutes: number }[];
  readonly batches: readonly { readonly name: string; readonly lane: Exclude<Lane, "stream">; readonly batch: { readonly timeoutMinutes: number } }[];
}

export interface FreshnessConfig extends FreshnessSources {
  readonly quicksight: { readonly spiceRowCap: number };
}

const round = (m: number) => Math.round(m * 100) / 100;
const sum = (parts: readonly FreshnessPart[]) => round(parts.reduce((t, p) => t + p.minutes, 0));

const mergeRun = (product: string): FreshnessPart => ({
  what: `${product}: silver MERGE run (timeout ${MERGE_TIMEOUT_SECONDS} s)`,
  minutes: round(MERGE_TIMEOUT_SECONDS / 60),
});

/** Minutes from a product's source event to its silver table, part by part. */
export function sourcePath(config: FreshnessSources, product: string): FreshnessPart[] | undefined {
  const stream = config.streams.find((s) => s.name === product);
  if (stream) {
    const buffering = firehoseBufferingSeconds(stream.freshnessMinutes);
    const merge = mergeIntervalMinutes(stream.freshnessMinutes);
    return [
      { what: `${product}: Firehose buffering (${buffering} s)`, minutes: round(buffering / 60) },
      { what: `${product}: wait for the next silver MERGE (every ${merge} min)`, minutes: merge },
      mergeRun(product),
    ];
  }
  const batch = config.batches.find((b) => b.name === product);
  if (batch) {
    return [
      { what: `${product}: wait for the next ${batch.lane} Glue run (${BATCH_SCHEDULE[batch.lane]})`, minutes: BATCH_CADENCE_MINUTES[batch.lane] },
      { what: `${product}: Glue job run into bronze (timeout ${batch.batch.timeoutMinutes} min)`, minutes: batch.batch.timeoutMinutes },
      // The job's success starts the merge at once (components/operations.ts): no wait, only the run.
      mergeRun(product),
    ];
  }
  return undefined;
}

/** Freshness of one KPI. Throws when the catalog names a data product the stack does not configure. */
export function kpiFreshness(config: FreshnessConfig, kpi: KpiDefinition): KpiFreshness {
  const paths = kpi.sourceProducts.map((p) => {
    const parts = sourcePath(config, p);
    if (!parts) {
      const known = [...config.streams, ...config.batches].map((d) => d.name);
      throw new KpiCatalogError([
        `${kpi.source}, column source_products: KPI "${kpi.kpi}" reads "${p}", which is not a data product of this stack. Fix: use one of ${known.join(", ")}, or add the product to retail:dataProducts.`,
      ]);
    }
    return parts;
  });
  const slowest = paths.reduce((a, b) => (sum(b) > sum(a) ? b : a));
  const refresh = effectiveRefresh(kpi, config.quicksight.spiceRowCap);
  const parts: FreshnessPart[] = [
    ...slowest,
    refresh
      ? {
          what: `${kpi.kpi}: wait for the next SPICE ${refresh.incremental ? "incremental " : ""}refresh (${refresh.interval})`,
          minutes: refresh.minutes,
        }
      : { what: `${kpi.kpi}: DIRECT_QUERY reads the view live`, minutes: 0 },
  ];
  return { minutes: sum(parts), budgetMinutes: kpi.freshnessTargetMinutes, parts };
}

/** Freshness of every KPI, keyed by KPI name: the `freshnessBudget` stack output. */
export function freshnessBudget(config: FreshnessConfig, kpis: readonly KpiDefinition[]): Record<string, KpiFreshness> {
  return Object.fromEntries(kpis.map((k) => [k.kpi, kpiFreshness(config, k)]));
}

/** KPIs whose worst case exceeds their target, as messages listing where the minutes go. */
export function freshnessOverruns(budget: Record<string, KpiFreshness>): string[] {
  return Object.entries(budget)
    .filter(([, f]) => f.minutes > f.budgetMinutes)
    .map(
      ([kpi, f]) =>
        `${kpi}: worst case ${f.minutes} min exceeds its ${f.budgetMinutes}-min target (${f.parts.map((p) => `${p.what} = ${p.minutes}`).join(" + ")}). ` +
        `Fix: tighten the slowest source product's freshnessMinutes or the catalog's refresh_cadence.`,
    );
}

/**
 * UTC time of day ("HH:MM") for daily SPICE refreshes: after the daily Glue run has had its longest job timeout and
 * the silver MERGE it triggers has run, rounded up to the quarter hour, so a daily dataset reads the snapshot the
 * night's batch just wrote.
 */
export function dailyRefreshTime(config: Pick<FreshnessSources, "batches">): string {
  const cron = /^cron\((\d+) (\d+) /.exec(BATCH_SCHEDULE["batch-daily"]);
  if (!cron) throw new Error(`dailyRefreshTime: cannot read minute and hour from ${BATCH_SCHEDULE["batch-daily"]}`);
  const longest = Math.max(
    0,
    ...config.batches.filter((b) => b.lane === "batch-daily").map((b) => b.batch.timeoutMinutes + MERGE_TIMEOUT_SECONDS / 60),
  );
  const at = Math.ceil((Number(cron[2]) * 60 + Number(cron[1]) + longest) / 15) * 15;
  const wrapped = at % 1440;
  return `${String(Math.floor(wrapped / 60)).padStart(2, "0")}:${String(wrapped % 60).padStart(2, "0")}`;
}
