import { LocalLakehouse } from "./duckdb";
import { accountDay, accountingDays, BATCH_MERGES, MergeWindow, reconcileDay, STREAM_MERGES } from "./pipeline";
import { deployedBackfill } from "./backfill";

/**
 * The scenario's backfill: the deployed backfill handler (functions/backfill.ts) driving the deployed merge handler on
 * DuckDB with the prod stack's settings (local/lakehouse/backfill.ts deployedBackfill), then the switch-back checks
 * read here too (coverage with its counts, reconciliation, accounting) beside the handler's own verdict. Idempotent
 * (every merge inserts only keys its target lacks, the re-resolution only sets NULL loyalty_ids) and resumable (the
 * handler's cursor).
 */
export interface BackfillOptions {
  /** First day replayed, YYYY-MM-DD (UTC midnight, inclusive). */
  readonly from: string;
  /** Day the replay stops at, YYYY-MM-DD (exclusive). */
  readonly to: string;
  /** Products whose merges run (the bridge always does); every product when omitted. */
  readonly products?: readonly string[];
  /** Hours per window: a whole divisor of 24, so windows cut at midnight as the merge function's do. */
  readonly windowHours: number;
  readonly emailSalt: string;
  readonly reresolveHorizonDays?: number;
}

export interface BridgeCoverage {
  readonly product: string;
  readonly purchases: number;
  readonly resolved: number;
  readonly share: number;
}

/** The README's switch-back checks: bridge coverage, and reconciliation and accounting clean over the range. */
export interface SwitchBackChecks {
  readonly bridgeCoverage: BridgeCoverage[];
  /** Tables and days where reconciliation's source and silver counts differ. */
  readonly reconciliationMismatches: number;
  /** |bronze - silver - quarantined - duplicates| summed over every product and accounting day. */
  readonly unaccounted: number;
  /** The backfill handler's own verdict (switchBackReady), from its bridge-coverage and accounting checks. */
  readonly handlerReady?: boolean;
  /** Coverage at least the minimum for every product, no mismatch, nothing unaccounted, and the handler ready. */
  readonly pass: boolean;
}

export interface BackfillReport {
  readonly from: string;
  readonly to: string;
  readonly products: readonly string[];
  readonly windowsDone: number;
  readonly rowsReresolved: Record<string, number>;
  readonly checks: SwitchBackChecks;
}

export class BackfillError extends Error {}

const DAY_MS = 86_400_000;
const ALL_PRODUCTS: readonly string[] = [...BATCH_MERGES, ...STREAM_MERGES];

const dayMs = (field: string, day: string): number => {
  const t = Date.parse(`${day}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== day) {
    throw new BackfillError(`backfill: ${field} ${JSON.stringify(day)} is not a calendar day; pass YYYY-MM-DD, e.g. 2026-06-01`);
  }
  return t;
};

const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");

/** The windows of [from, to), windowHours each; throws naming the bad option and its fix. */
export function backfillWindows(from: string, to: string, windowHours: number): MergeWindow[] {
  const start = dayMs("from", from);
  const stop = dayMs("to", to);
  if (stop <= start)
    throw new BackfillError(`backfill: to ${to} is not after from ${from}; the range is [from, to), e.g. from 2026-06-01 to 2026-06-04`);
  if (!Number.isInteger(windowHours) || windowHours < 1 || 24 % windowHours !== 0) {
    throw new BackfillError(
      `backfill: windowHours ${windowHours} must be a whole divisor of 24 (1, 2, 3, 4, 6, 8, 12 or 24), so windows cut at midnight`,
    );
  }
  const windows: MergeWindow[] = [];
  for (let t = start; t < stop; t += windowHours * 3_600_000) windows.push({ start: stamp(t), end: stamp(t + windowHours * 3_600_000) });
  return windows;
}

/** Minimum bridge coverage share before switching back: the bridge-coverage alarm's default (infra/config). */
export const SWITCH_BACK_COVERAGE_MIN = 0.95;

/**
 * Bridge coverage (sql/coverage/bridge_coverage.sql) since `from`, reconciliation of the event days [from, to) and the
 * accounting of every day bronze holds (all of it must balance, not only the range: a replay must not disturb the rest).
 */
export async function switchBackChecks(
  lake: LocalLakehouse,
  from: string,
  to: string,
  coverageMin = SWITCH_BACK_COVERAGE_MIN,
): Promise<SwitchBackChecks> {
  const coverage = (await lake.runFile("coverage/bridge_coverage.sql", { since: `${from} 00:00:00` }))
    .map((r) => ({ product: String(r.product), purchases: Number(r.purchases), resolved: Number(r.resolved) }))
    .map((c) => ({ ...c, share: c.purchases === 0 ? 1 : c.resolved / c.purchases }))
    .sort((a, b) => a.product.localeCompare(b.product));
  let reconciliationMismatches = 0;
  for (let t = dayMs("from", from); t < dayMs("to", to); t += DAY_MS) {
    reconciliationMismatches += (await reconcileDay(lake, new Date(t).toISOString().slice(0, 10))).filter((r) => r.status === "mismatch").length;
  }
  let unaccounted = 0;
  for (const day of await accountingDays(lake)) {
    for (const a of Object.values(await accountDay(lake, day))) unaccounted += Math.abs(a.unaccounted);
  }
  const pass = coverage.every((c) => c.share >= coverageMin) && reconciliationMismatches === 0 && unaccounted === 0;
  return { bridgeCoverage: coverage, reconciliationMismatches, unaccounted, pass };
}

/** Replay [from, to) in windows through the deployed backfill and merge handlers, then report the switch-back checks. */
export async function backfill(lake: LocalLakehouse, options: BackfillOptions): Promise<BackfillReport> {
  const products = options.products ?? ALL_PRODUCTS;
  const unknown = products.filter((p) => !ALL_PRODUCTS.includes(p));
  if (unknown.length > 0) throw new BackfillError(`backfill: unknown product ${unknown.join(", ")}; products are ${ALL_PRODUCTS.join(", ")}`);
  backfillWindows(options.from, options.to, options.windowHours); // refuses a bad range or window before anything runs
  // The merge handler reads the salt from its table, as deployed; the scenario's own merges set the same one.
  await lake.setEmailSalt(options.emailSalt);
  const to = new Date(`${options.to}T00:00:00Z`);
  const result = await deployedBackfill(
    lake,
    { products, from: `${options.from}T00:00:00Z`, to: to.toISOString(), windowHours: options.windowHours },
    // The operator runs it just after the range: every day of it has ended, so every one is accounted.
    { now: new Date(to.getTime() + 3_600_000), reresolveHorizonDays: options.reresolveHorizonDays },
  );
  const local = await switchBackChecks(lake, options.from, options.to);
  return {
    from: options.from,
    to: options.to,
    products,
    windowsDone: result.windows,
    rowsReresolved: result.rowsReresolved,
    checks: { ...local, handlerReady: result.switchBackReady, pass: local.pass && result.switchBackReady },
  };
}
