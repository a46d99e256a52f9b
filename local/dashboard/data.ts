import { LocalLakehouse } from "../lakehouse/duckdb";
import { LakehouseDetail, MeasuredConversion } from "../lakehouse/run";
import { FreshnessResult } from "../freshness/simulate";
import { loadKpiCatalog } from "../../core/kpiCatalog";
import { kpiVisualSpec } from "../../core/kpiVisuals";

/**
 * What each KPI's visuals aggregate from its gold view: a ratio (numerator over denominator) or a total, per day for
 * the trend and per region or channel for the breakdown, as the dashboard's headline, trend and breakdown visuals do.
 */
export interface KpiVisualSpec {
  readonly kpi: string;
  readonly numerator: string;
  /** Absent for a total (sku_velocity's order lines). */
  readonly denominator?: string;
  readonly breakdown: "region" | "channel";
  readonly unit: "share" | "count";
}

/** Read from the KPI catalog and each gold view's columns (core/kpiVisuals), as the QuickSight dashboard's visuals are. */
export const KPI_VISUALS: readonly KpiVisualSpec[] = loadKpiCatalog()
  .map(kpiVisualSpec)
  .map((s) => ({ kpi: s.kpi, numerator: s.numerator, denominator: s.denominator, breakdown: s.breakdown[0], unit: s.unit }));

export interface KpiVisualData {
  readonly kpi: string;
  readonly unit: "share" | "count";
  readonly breakdownBy: "region" | "channel";
  /** Over every day (a count is per day on average). */
  readonly headline: number;
  readonly trend: { day: string; value: number }[];
  readonly breakdown: { key: string; value: number }[];
}

export interface DashboardData {
  readonly events: number;
  readonly kpis: KpiVisualData[];
  readonly regions: LakehouseDetail["regions"];
  readonly conversion: MeasuredConversion;
  readonly freshness?: FreshnessResult;
}

/** Read every KPI's visuals from the gold views of a finished local run. */
export async function readKpiVisuals(lake: LocalLakehouse): Promise<KpiVisualData[]> {
  const out: KpiVisualData[] = [];
  for (const spec of KPI_VISUALS) {
    const view = `retail_gold.${spec.kpi}`;
    const value = spec.denominator
      ? `CAST(sum(${spec.numerator}) AS double) / nullif(sum(${spec.denominator}), 0)`
      : `CAST(sum(${spec.numerator}) AS double)`;
    const days = await lake.query(`SELECT CAST(day AS varchar) AS day, ${value} AS value FROM ${view} GROUP BY day ORDER BY day`);
    const parts = await lake.query(
      `SELECT CAST(${spec.breakdown} AS varchar) AS key, ${value} AS value FROM ${view} GROUP BY ${spec.breakdown} ORDER BY ${spec.breakdown}`,
    );
    const [all] = await lake.query(`SELECT ${value} AS value, count(DISTINCT day) AS days FROM ${view}`);
    const perDay = spec.denominator ? 1 : Math.max(1, Number(all.days));
    out.push({
      kpi: spec.kpi,
      unit: spec.unit,
      breakdownBy: spec.breakdown,
      headline: Number(all.value) / perDay,
      trend: days.map((r) => ({ day: String(r.day), value: Number(r.value) })),
      breakdown: parts.map((r) => ({ key: String(r.key), value: Number(r.value) / perDay })),
    });
  }
  return out;
}
