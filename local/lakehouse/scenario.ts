import { LocalLakehouse } from "./duckdb";
import { generate } from "./generate";
import { accountDay, accountingDays, BATCH_MERGES, createGoldViews, mergeWindow, MergeWindow, STREAM_MERGES } from "./pipeline";
import { conversionOverDays } from "./accuracy";
import { backfill, BackfillReport, backfillWindows, SwitchBackChecks } from "./replay";
import { LOCAL_EMAIL_SALT, START_DAY } from "./run";
import Table from "cli-table3";

/**
 * `--scenario late-bridge`: the seed's incident replayed. The loyalty CRM's first extract lands only after the first
 * `gapDays` days, so while it is missing the bridge is empty and every unscanned purchase and session merges with no
 * loyalty_id; gold runs store-only. When the CRM lands, a backfill replays the gap's windows (its bridge refresh runs the
 * re-resolution), the switch-back checks run, gold goes back to omnichannel, and the scheduled merges carry on to the end.
 * Bronze arrives as time passes: each window first releases the rows that arrived in it, so every check reads the
 * bronze the platform would hold at that moment.
 */
export interface LateBridgeOptions {
  readonly events: number;
  readonly seed: number;
  readonly days: number;
  /** Days without the CRM, from the first (the example: 3, days 0..2). */
  readonly gapDays: number;
  readonly windowHours: number;
  readonly reresolveHorizonDays?: number;
}

export interface ConversionPoint {
  /** retail_gold.conversion_rate's variant installed when measured. */
  readonly mode: "omnichannel" | "store-only";
  /** Event days measured, [from, to). */
  readonly from: string;
  readonly to: string;
  readonly truth: number;
  /** What the installed gold view reports. */
  readonly conversion_rate: number;
  /** |conversion_rate - truth| / truth. */
  readonly error: number;
  /** What the omnichannel view would report over the same silver (the bridged conversion). */
  readonly bridgedError: number;
  /** |unaccounted| over every product and accounting day at that moment. */
  readonly unaccounted: number;
}

export interface LateBridgeReport {
  readonly gapDays: number;
  readonly crmArrival: string;
  /** End of the gap, store-only gold, the gap's days. */
  readonly before: ConversionPoint;
  /** Right after the backfill and the switch back (store-only still, when the checks failed), the gap's days. */
  readonly after: ConversionPoint;
  /** At the end of the run, every event day (as a clean run is measured). */
  readonly final: ConversionPoint;
  readonly backfill: Omit<BackfillReport, "checks">;
  readonly checks: SwitchBackChecks;
}

export class ScenarioError extends Error {}

/** Every bronze table but the CRM's arrives on time (each has a received_at, sql/bronze/). */
const STREAMED: readonly string[] = [...BATCH_MERGES, ...STREAM_MERGES].filter((t) => t !== "loyalty_tier");

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Move generated bronze into staging tables; rows enter bronze only when the clock passes their arrival. */
async function stageBronze(lake: LocalLakehouse, crmDay: string): Promise<void> {
  for (const t of STREAMED) {
    await lake.run(`CREATE TEMP TABLE staged_${t} AS SELECT * FROM retail_bronze.${t} WHERE received_at IS NOT NULL;
      DELETE FROM retail_bronze.${t} WHERE received_at IS NOT NULL`);
  }
  // The CRM's first extract, dated and landed on the day it finally arrives.
  await lake.run(`CREATE TEMP TABLE staged_loyalty_tier AS
      SELECT * REPLACE (DATE '${crmDay}' AS snapshot_date, TIMESTAMP '${crmDay} 00:00:00' AS received_at) FROM retail_bronze.loyalty_tier;
    DELETE FROM retail_bronze.loyalty_tier`);
}

async function release(lake: LocalLakehouse, w: MergeWindow, tables: readonly string[]): Promise<void> {
  for (const t of tables) {
    await lake.run(`INSERT INTO retail_bronze.${t} SELECT * FROM staged_${t}
      WHERE received_at >= TIMESTAMP '${w.start}' AND received_at < TIMESTAMP '${w.end}'`);
  }
}

async function unaccountedNow(lake: LocalLakehouse): Promise<number> {
  let n = 0;
  for (const day of await accountingDays(lake)) for (const a of Object.values(await accountDay(lake, day))) n += Math.abs(a.unaccounted);
  return n;
}

async function measure(lake: LocalLakehouse, mode: ConversionPoint["mode"], from: string, to: string): Promise<ConversionPoint> {
  await createGoldViews(lake, "omnichannel");
  const bridged = await conversionOverDays(lake, START_DAY, from, to);
  if (mode === "store-only") await createGoldViews(lake, "store-only");
  const shown = mode === "store-only" ? await conversionOverDays(lake, START_DAY, from, to) : bridged;
  return {
    mode,
    from,
    to,
    truth: shown.truth,
    conversion_rate: shown.measured,
    error: shown.error,
    bridgedError: bridged.error,
    unaccounted: await unaccountedNow(lake),
  };
}

/** Check the options before anything runs, naming the option, its value and the fix. */
export function checkLateBridge(o: LateBridgeOptions): void {
  if (!Number.isInteger(o.gapDays) || o.gapDays < 1 || o.gapDays >= o.days) {
    throw new ScenarioError(
      `--gap-days ${o.gapDays} must be a whole number of days from 1 to --days - 1 (${o.days - 1}), so the CRM arrives inside the run; e.g. --days 6 --gap-days 3`,
    );
  }
  backfillWindows(START_DAY, addDays(START_DAY, 1), o.windowHours);
}

export async function runLateBridge(lake: LocalLakehouse, o: LateBridgeOptions): Promise<LateBridgeReport> {
  checkLateBridge(o);
  await generate(lake, { events: o.events, seed: o.seed, days: o.days, startDay: START_DAY });
  const crmDay = addDays(START_DAY, o.gapDays);
  await stageBronze(lake, crmDay);
  const merge = async (from: string, to: string) => {
    for (const w of backfillWindows(from, to, o.windowHours)) {
      await release(lake, w, STREAMED);
      await mergeWindow(lake, w, LOCAL_EMAIL_SALT, { reresolveHorizonDays: o.reresolveHorizonDays });
    }
  };
  // The gap: the scheduled merges run, the CRM is missing, gold is rolled back to store-only.
  await merge(START_DAY, crmDay);
  const before = await measure(lake, "store-only", START_DAY, crmDay);
  // The CRM lands; the backfill replays the gap, then the checks decide the switch back.
  await release(lake, { start: `${crmDay} 00:00:00`, end: `${crmDay} 00:00:01` }, ["loyalty_tier"]);
  const { checks, ...replay } = await backfill(lake, {
    from: START_DAY,
    to: crmDay,
    windowHours: o.windowHours,
    emailSalt: LOCAL_EMAIL_SALT,
    reresolveHorizonDays: o.reresolveHorizonDays,
  });
  // Gold goes back to omnichannel only when the checks pass; otherwise "after" is what store-only still shows.
  const after = await measure(lake, checks.pass ? "omnichannel" : "store-only", START_DAY, crmDay);
  // The scheduled merges carry on past the last event day (late arrivals land up to a day after it).
  await merge(crmDay, addDays(START_DAY, o.days + 2));
  const final = await measure(lake, after.mode, START_DAY, addDays(START_DAY, o.days));
  return { gapDays: o.gapDays, crmArrival: crmDay, before, after, final, backfill: replay, checks };
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

/** The scenario for people: conversion before, after and at the end, the backfill and the switch-back checks. */
export function lateBridgeTable(r: LateBridgeReport): string {
  const t = new Table({ head: ["late-bridge", "gold mode", "event days", "truth", "gold shows", "error", "bridged error", "unaccounted"] });
  const row = (name: string, p: ConversionPoint) => [
    name,
    p.mode,
    `${p.from} .. ${p.to}`,
    pct(p.truth),
    pct(p.conversion_rate),
    pct(p.error),
    pct(p.bridgedError),
    p.unaccounted,
  ];
  t.push(row(`before (no CRM for ${r.gapDays} days)`, r.before), row("after backfill", r.after), row("end of run", r.final));
  const b = r.backfill;
  const reresolved =
    Object.entries(b.rowsReresolved)
      .map(([table, n]) => `${table} ${n}`)
      .join(", ") || "none";
  const coverage = r.checks.bridgeCoverage.map((c) => `${c.product} ${pct(c.share)} of ${c.purchases}`).join(", ");
  return [
    t.toString(),
    `CRM arrived ${r.crmArrival}; backfill [${b.from}, ${b.to}) of ${b.products.join(", ")}: ${b.windowsDone} windows, rows re-resolved: ${reresolved}`,
    `switch-back checks ${r.checks.pass ? "PASS" : "FAIL"}: bridge coverage ${coverage}; reconciliation mismatches ${r.checks.reconciliationMismatches}; unaccounted ${r.checks.unaccounted}`,
  ].join("\n");
}
