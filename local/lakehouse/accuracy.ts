import * as fs from "fs";
import * as path from "path";
import { LocalLakehouse } from "./duckdb";

/** Conversion measured one way: overall, its error against the truth, and the highest region rate. */
export interface ConversionMeasure {
  readonly conversion_rate: number;
  readonly error: number;
  readonly maxRegionConversionRate: number;
  readonly regions: Record<string, number>;
}

export interface Accuracy {
  readonly truth: { conversion_rate: number; regions: Record<string, number> };
  readonly naive: ConversionMeasure;
  readonly bridged: ConversionMeasure;
}

export interface RegionCounts {
  readonly region: string;
  readonly sessions: number;
  readonly converted: number;
}

function summarise(rows: readonly RegionCounts[]): { rate: number; regions: Record<string, number> } {
  const sessions = rows.reduce((s, r) => s + r.sessions, 0);
  const converted = rows.reduce((s, r) => s + r.converted, 0);
  const regions = Object.fromEntries(rows.map((r) => [r.region, r.converted / r.sessions]));
  return { rate: sessions === 0 ? 0 : converted / sessions, regions };
}

async function counts(lake: LocalLakehouse, sql: string): Promise<RegionCounts[]> {
  const rows = await lake.query(sql);
  return rows
    .map((r) => ({ region: String(r.region), sessions: Number(r.sessions), converted: Number(r.converted_sessions) }))
    .sort((a, b) => a.region.localeCompare(b.region));
}

function measure(rows: readonly RegionCounts[], truth: number): ConversionMeasure {
  const s = summarise(rows);
  return {
    conversion_rate: s.rate,
    error: truth === 0 ? 0 : Math.abs(s.rate - truth) / truth,
    maxRegionConversionRate: Math.max(...Object.values(s.regions)),
    regions: s.regions,
  };
}

/** Bridged conversion per region: the retail_gold.conversion_rate view (whichever variant is installed). */
export async function bridgedConversionCounts(lake: LocalLakehouse): Promise<RegionCounts[]> {
  return counts(
    lake,
    "SELECT region, sum(sessions) AS sessions, sum(converted_sessions) AS converted_sessions FROM retail_gold.conversion_rate GROUP BY region",
  );
}

/**
 * What the bridged conversion is measured against, per region: the truth (the generator's hidden persons) and the
 * naive email string match the seed says broke. Measurement only; nothing the platform runs.
 */
export async function referenceConversionCounts(lake: LocalLakehouse): Promise<{ truth: RegionCounts[]; naive: RegionCounts[] }> {
  const truth = await counts(
    lake,
    "SELECT region, count(*) AS sessions, count_if(converted) AS converted_sessions FROM truth.sessions GROUP BY region",
  );
  const naive = await counts(lake, fs.readFileSync(path.join(__dirname, "naive_conversion_rate.sql"), "utf8"));
  return { truth, naive };
}

/** Truth, naive and bridged conversion, over all days, per region, each with its error against the truth. */
export function compareConversion(reference: { truth: RegionCounts[]; naive: RegionCounts[] }, bridged: readonly RegionCounts[]): Accuracy {
  const truth = summarise(reference.truth);
  return {
    truth: { conversion_rate: truth.rate, regions: truth.regions },
    naive: measure(reference.naive, truth.rate),
    bridged: measure(bridged, truth.rate),
  };
}

/** Truth (the generator's hidden persons), naive (email string match) and bridged (retail_gold.conversion_rate). */
export async function measureConversion(lake: LocalLakehouse): Promise<Accuracy> {
  const bridged = await bridgedConversionCounts(lake);
  return compareConversion(await referenceConversionCounts(lake), bridged);
}

/** Conversion over event days [fromDay, toDay) (YYYY-MM-DD) of the installed gold view, against the truth of those days. */
export async function conversionOverDays(
  lake: LocalLakehouse,
  startDay: string,
  fromDay: string,
  toDay: string,
): Promise<{ truth: number; measured: number; error: number }> {
  const offset = (day: string) => Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${startDay}T00:00:00Z`)) / 86_400_000);
  const truth = summarise(
    await counts(
      lake,
      `SELECT region, count(*) AS sessions, count_if(converted) AS converted_sessions FROM truth.sessions
       WHERE d >= ${offset(fromDay)} AND d < ${offset(toDay)} GROUP BY region`,
    ),
  ).rate;
  const measured = measure(
    await counts(
      lake,
      `SELECT region, sum(sessions) AS sessions, sum(converted_sessions) AS converted_sessions FROM retail_gold.conversion_rate
       WHERE day >= DATE '${fromDay}' AND day < DATE '${toDay}' GROUP BY region`,
    ),
    truth,
  );
  return { truth, measured: measured.conversion_rate, error: measured.error };
}
