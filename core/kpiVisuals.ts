import { CHANNEL_MODES, KpiCatalogError, KpiDefinition } from "./kpiCatalog";
import { viewColumns, ViewColumn } from "./sql/viewColumns";

/** Columns a KPI's breakdown visual splits by, when its gold view selects them. */
export const BREAKDOWN_COLUMNS = ["region", "channel"] as const;
export type BreakdownColumn = (typeof BREAKDOWN_COLUMNS)[number];

/**
 * What a KPI's visuals aggregate, read from its gold view's output columns (so a new catalog row needs no code):
 * a share is sum(numerator) / sum(denominator) over the rows shown (averaging the view's per-row ratio would weight a
 * quiet region like a busy one); a count is sum(numerator).
 */
export interface KpiVisualSpec {
  readonly kpi: string;
  readonly ownerTeam: string;
  /** The view's date column (the catalog's event_time_column): the trend's axis. */
  readonly dateColumn: string;
  readonly numerator: string;
  /** Absent for a count. */
  readonly denominator?: string;
  readonly unit: "share" | "count";
  /** Region and/or channel, as the view selects them, in BREAKDOWN_COLUMNS order. */
  readonly breakdown: readonly BreakdownColumn[];
  /** The breakdown columns this view lacks, stated on the dashboard rather than silently dropped. */
  readonly lacks: readonly BreakdownColumn[];
}

const RATIO = /^cast\s*\((.+)\s+as\s+double\)\s*\/\s*(?:nullif\s*\((.+),\s*0\s*\)|(.+))$/i;
const AGGREGATE = /^(count|count_if|sum)\s*\(/i;
const same = (a: string, b: string) => a.replace(/\s+/g, "").toLowerCase() === b.replace(/\s+/g, "").toLowerCase();

/**
 * The KPI's value: the column named after the KPI when it is `CAST(<a> AS double) / <b>` over two other output
 * columns (a share of those); else that column summed; a view without such a column (sku_velocity) counts its first
 * count(...)/sum(...) column. Both channel variants of the view must select the same columns, since the dataset
 * reads whichever is deployed.
 */
export function kpiVisualSpec(kpi: Pick<KpiDefinition, "kpi" | "ownerTeam" | "eventTimeColumn" | "viewSql" | "view" | "source">): KpiVisualSpec {
  const fail = (why: string, fix: string) => {
    throw new KpiCatalogError([`${kpi.source}: KPI "${kpi.kpi}" (retail_gold.${kpi.view}): ${why}. Fix: ${fix}.`]);
  };
  const byMode = CHANNEL_MODES.map((mode) => {
    try {
      return viewColumns(kpi.viewSql[mode]);
    } catch (e) {
      return fail(`its ${mode} view cannot be read for the dashboard: ${(e as Error).message}`, "see the view file");
    }
  });
  const names = byMode.map((cols) => cols.map((c) => c.name).join(","));
  if (new Set(names).size > 1)
    fail(
      `its views select different columns (${CHANNEL_MODES.map((m, i) => `${m}: ${names[i]}`).join("; ")})`,
      "select the same columns in both variants",
    );
  const columns: ViewColumn[] = byMode[0];
  const has = (name: string) => columns.some((c) => c.name === name);
  if (!has(kpi.eventTimeColumn)) fail(`event_time_column "${kpi.eventTimeColumn}" is not an output column`, "select the date column the trend plots");
  const breakdown = BREAKDOWN_COLUMNS.filter(has);
  if (breakdown.length === 0) fail(`the view selects neither ${BREAKDOWN_COLUMNS.join(" nor ")}`, "select region or channel for the breakdown");
  const base = {
    kpi: kpi.kpi,
    ownerTeam: kpi.ownerTeam,
    dateColumn: kpi.eventTimeColumn,
    breakdown,
    lacks: BREAKDOWN_COLUMNS.filter((c) => !has(c)),
  };

  const own = columns.find((c) => c.name === kpi.kpi);
  if (own) {
    const m = RATIO.exec(own.expression);
    const numerator = m && columns.find((c) => c !== own && same(c.expression, m[1]));
    const denominator = m && columns.find((c) => c !== own && same(c.expression, m[2] ?? m[3]));
    if (numerator && denominator) return { ...base, numerator: numerator.name, denominator: denominator.name, unit: "share" };
    return { ...base, numerator: own.name, unit: "count" };
  }
  const total = columns.find((c) => AGGREGATE.test(c.expression));
  if (!total) fail(`the view has no column named ${kpi.kpi} and no count(...) or sum(...) column`, `select the KPI's value AS ${kpi.kpi}`);
  return { ...base, numerator: total!.name, unit: "count" };
}

/** Every KPI's visual spec; one KpiCatalogError lists every row the dashboards cannot chart. */
export function kpiVisualSpecs(kpis: readonly Parameters<typeof kpiVisualSpec>[0][]): KpiVisualSpec[] {
  const specs: KpiVisualSpec[] = [];
  const problems: string[] = [];
  for (const k of kpis) {
    try {
      specs.push(kpiVisualSpec(k));
    } catch (e) {
      if (!(e instanceof KpiCatalogError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (problems.length > 0) throw new KpiCatalogError(problems);
  return specs;
}
