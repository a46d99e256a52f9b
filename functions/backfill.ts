import { Alerts } from "./alerts";
import { BACKFILL_MARGIN_SECONDS, BackfillEvent, BackfillLimits, BackfillPlan, planBackfill } from "./backfillPlan";
import { MergeEvent, MergeWindow } from "./merge";
import { QueryRunner, Row } from "./queryRunner";
import { productAccounting } from "./reconcile";
import { renderSql, sqlTimestamp } from "../core/sql/render";
import { splitStatements } from "../core/sql/text";
import { OPERATIONS_METRICS } from "../core/metrics";

export type { BackfillEvent } from "./backfillPlan";

export interface BackfillSettings extends BackfillLimits {
  /** sql/coverage/bridge_coverage.sql and the share of purchases that must carry a loyalty_id (retail:operations.bridgeCoverageMin). */
  readonly coverage: { readonly sql: string; readonly min: number };
  /** sql/reconcile/accounting.sql; absent when the stack lacks a table it reads (then the check cannot pass). */
  readonly accountingSql?: string;
  /** Seconds one check query may take (the runner's deadline): a check starts only with that much time left. */
  readonly checkQuerySeconds: number;
}

/** How one synchronous invocation of the merge function ended. */
export type MergeInvocation =
  | { readonly status: "merged"; readonly rowsByTable: Record<string, number> }
  /** The merge's one slot was busy (TooManyRequestsException): a scheduled merge holds it. */
  | { readonly status: "throttled"; readonly message: string }
  | { readonly status: "failed"; readonly message: string };

export interface BackfillDeps {
  readonly invokeMerge: (event: MergeEvent) => Promise<MergeInvocation>;
  /** Invoke this function again asynchronously with the event (the hand-over to a fresh invocation). */
  readonly continueWith: (event: BackfillEvent) => Promise<void>;
  readonly runner: QueryRunner;
  readonly alerts: Pick<Alerts, "putMetrics">;
  readonly now: () => Date;
  readonly remainingMs: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: (line: Record<string, unknown>) => void;
}

export interface SwitchBackChecks {
  readonly bridgeCoverage: {
    readonly since: string;
    /** Share of purchases with a resolved loyalty_id per stream product; a product without purchases is absent. */
    readonly products: Record<string, number>;
    readonly min: number;
    readonly ok: boolean;
    readonly error?: string;
  };
  readonly accounting: {
    /** Whole days of the range that have ended: the days reconciliation can count. */
    readonly days: string[];
    /** Bronze rows neither in silver, quarantine nor the duplicates record, summed over products and days (absolute). */
    readonly unaccounted: number;
    /** Only the days and products that are off. */
    readonly offBy: Record<string, Record<string, number>>;
    readonly ok: boolean;
    readonly error?: string;
  };
}

export interface BackfillReport {
  readonly run: string;
  readonly status: "continued" | "done";
  readonly windowsDone: number;
  readonly windowsRemaining: number;
  /** Where the hand-over resumes (status continued). */
  readonly next?: Pick<BackfillEvent, "cursor" | "cursorProduct">;
  readonly checks?: SwitchBackChecks;
  readonly switchBackReady?: boolean;
}

export class BackfillError extends Error {}

const DAY_MS = 86_400_000;
const FIRST_RETRY_MS = 2_000;
const MAX_RETRY_MS = 60_000;
/**
 * Between its own merges the backfill leaves the slot free for as long as its last merge held it (5 s to 5 min). Lambda
 * retries a throttled scheduled event with a backoff that doubles up to 5 minutes, so an event throttled while the
 * backfill's merge ran retries within about that long again: inside the gap.
 */
const MIN_PAUSE_MS = 5_000;
const MAX_PAUSE_MS = 300_000;

/** The run's name in metrics and logs: the range and the products. */
export function runName(plan: Pick<BackfillPlan, "from" | "to" | "products">): string {
  return `${plan.from.toISOString()}..${plan.to.toISOString()} ${plan.products.join(",")}`;
}

const iso = (d: Date) => d.toISOString();
const windowText = (w: MergeWindow) => ({ start: iso(w.start), end: iso(w.end) });

/**
 * Replay bronze through the merge function, window by window and product by product, then report the switch-back
 * checks. Each merge is a synchronous invocation of the merge function, whose reserved concurrency of one makes the
 * backfill and the scheduled merges take turns; every merge statement is idempotent, so a window merged twice (a
 * retry, a resumed run) changes nothing. Before its time runs out the function hands the rest to a fresh invocation
 * of itself; the checks run in an invocation of their own, so a failed check retries without re-merging anything.
 */
export async function runBackfill(event: BackfillEvent, settings: BackfillSettings, deps: BackfillDeps): Promise<BackfillReport> {
  const plan = planBackfill(event, settings, deps.now());
  const run = runName(plan);
  const total = plan.windowsDone + plan.windows.length;
  let done = plan.windowsDone;
  let merged = 0;
  let pauseMs = 0;
  const mergeBudgetMs = (settings.mergeTimeoutSeconds + BACKFILL_MARGIN_SECONDS) * 1000;
  const handOver = async (cursor: Date, cursorProduct?: string): Promise<BackfillReport> => {
    if (merged === 0) {
      throw new BackfillError(
        `backfill ${run}: no merge finished in this invocation (at ${iso(cursor)}${cursorProduct ? ` ${cursorProduct}` : ""}): the merge's slot stayed busy. ` +
          `Fix: resume later with this cursor; the scheduled merges hold the slot.`,
      );
    }
    // The slot's free spell after the last merge, here too: the next invocation merges as soon as it starts.
    if (deps.remainingMs() > pauseMs + BACKFILL_MARGIN_SECONDS * 1000) await deps.sleep(pauseMs);
    const next = { cursor: iso(cursor), ...(cursorProduct ? { cursorProduct } : {}) };
    const { cursor: _cursor, cursorProduct: _product, ...range } = event;
    await deps.continueWith({ ...range, ...next });
    return { run, status: "continued", windowsDone: done, windowsRemaining: total - done, next };
  };

  for (const [i, w] of plan.windows.entries()) {
    const lookbackMinutes = (w.end.getTime() - w.start.getTime()) / 60_000;
    for (const product of plan.products.slice(i === 0 ? plan.skipInFirstWindow : 0)) {
      if (deps.remainingMs() < pauseMs + mergeBudgetMs) return handOver(w.start, product);
      if (pauseMs > 0) await deps.sleep(pauseMs);
      const outcome = await mergeOnce({ product, scheduledTime: iso(w.end), lookbackMinutes }, w, deps, mergeBudgetMs);
      if (outcome === undefined) return handOver(w.start, product);
      const { rowsByTable, heldMs } = outcome;
      merged++;
      pauseMs = Math.min(MAX_PAUSE_MS, Math.max(MIN_PAUSE_MS, heldMs));
      const last = product === plan.products[plan.products.length - 1];
      if (last) done++;
      const next = plan.products[plan.products.indexOf(product) + 1];
      deps.log({
        backfill: run,
        product,
        window: windowText(w),
        rowsByTable,
        cursor: iso(last ? w.end : w.start),
        ...(last ? {} : { cursorProduct: next }),
      });
    }
    await deps.alerts.putMetrics([
      { name: OPERATIONS_METRICS.backfillWindowsDone.metricName, value: done, unit: "Count", dimensions: { Run: run } },
      { name: OPERATIONS_METRICS.backfillWindowsRemaining.metricName, value: total - done, unit: "Count", dimensions: { Run: run } },
    ]);
  }
  // The checks in an invocation of their own: a check that fails is retried without re-merging the range.
  if (merged > 0) return handOver(plan.to);
  const checks = await switchBackChecks(plan, settings, deps);
  const switchBackReady = checks.bridgeCoverage.ok && checks.accounting.ok;
  await deps.alerts.putMetrics([
    { name: OPERATIONS_METRICS.backfillWindowsRemaining.metricName, value: 0, unit: "Count", dimensions: { Run: run } },
    { name: OPERATIONS_METRICS.backfillSwitchBackReady.metricName, value: switchBackReady ? 1 : 0, unit: "None", dimensions: { Run: run } },
  ]);
  return { run, status: "done", windowsDone: total, windowsRemaining: 0, checks, switchBackReady };
}

/**
 * One product's window through the merge function: throttling waits and retries; undefined when time runs out first.
 * heldMs is how long the merge that ran held the slot.
 */
async function mergeOnce(
  event: MergeEvent,
  w: MergeWindow,
  deps: BackfillDeps,
  budgetMs: number,
): Promise<{ rowsByTable: Record<string, number>; heldMs: number } | undefined> {
  let waitMs = FIRST_RETRY_MS;
  for (;;) {
    const started = deps.now().getTime();
    const outcome = await deps.invokeMerge(event);
    if (outcome.status === "merged") return { rowsByTable: outcome.rowsByTable, heldMs: deps.now().getTime() - started };
    if (outcome.status === "failed") {
      throw new BackfillError(
        `backfill: merge of ${event.product} for window [${iso(w.start)}, ${iso(w.end)}) failed: ${outcome.message}. ` +
          `Fix: see the merge function's log for the window (a timeout: resume with a smaller windowHours); resume with cursor ${iso(w.start)} and cursorProduct ${event.product}.`,
      );
    }
    if (deps.remainingMs() < waitMs + budgetMs) return undefined;
    await deps.sleep(waitMs);
    waitMs = Math.min(MAX_RETRY_MS, waitMs * 2);
  }
}

async function query(deps: BackfillDeps, settings: BackfillSettings, sql: string, params: Record<string, string>): Promise<Row[]> {
  let rows: Row[] = [];
  for (const statement of splitStatements(renderSql(sql, params))) {
    if (deps.remainingMs() < (settings.checkQuerySeconds + BACKFILL_MARGIN_SECONDS) * 1000)
      throw new BackfillError("backfill: the switch-back checks do not fit one invocation. Fix: check a shorter range (cursor = to).");
    rows = await deps.runner.query(statement);
  }
  return rows;
}

/** Bridge coverage since the range's start, and the exact accounting of every whole day of the range. */
export async function switchBackChecks(
  plan: Pick<BackfillPlan, "from" | "to">,
  settings: BackfillSettings,
  deps: BackfillDeps,
): Promise<SwitchBackChecks> {
  const coverageRows = await query(deps, settings, settings.coverage.sql, { since: sqlTimestamp(plan.from) });
  const products: Record<string, number> = {};
  for (const r of coverageRows) {
    const purchases = Number(r.purchases);
    const resolved = Number(r.resolved);
    if (!Number.isFinite(purchases) || !Number.isFinite(resolved))
      throw new BackfillError(`sql/coverage/bridge_coverage.sql returned ${JSON.stringify(r)}: expected numeric purchases and resolved`);
    if (purchases > 0) products[String(r.product)] = resolved / purchases;
  }
  const coverageOk = Object.keys(products).length > 0 && Object.values(products).every((c) => c >= settings.coverage.min);
  const bridgeCoverage = {
    since: iso(plan.from),
    products,
    min: settings.coverage.min,
    ok: coverageOk,
    ...(Object.keys(products).length === 0 ? { error: "no purchases in silver since from: nothing shows the bridge resolving them" } : {}),
  };

  // Today is still arriving: rows of the last minutes wait for their scheduled merge, so only ended days are counted.
  const days: string[] = [];
  for (let d = Math.floor(plan.from.getTime() / DAY_MS) * DAY_MS; d < plan.to.getTime() && d + DAY_MS <= deps.now().getTime(); d += DAY_MS) {
    days.push(new Date(d).toISOString().slice(0, 10));
  }
  const offBy: Record<string, Record<string, number>> = {};
  let unaccounted = 0;
  if (settings.accountingSql === undefined) {
    return {
      bridgeCoverage,
      accounting: {
        days,
        unaccounted: 0,
        offBy,
        ok: false,
        error: "this stack has no accounting (sql/reconcile/accounting.sql reads a table it lacks): reconciliation cannot be shown clean",
      },
    };
  }
  for (const day of days) {
    for (const row of await query(deps, settings, settings.accountingSql, { day })) {
      const a = productAccounting(row, "accounting");
      if (a.unaccounted !== 0) (offBy[day] ??= {})[String(row.product)] = a.unaccounted;
      unaccounted += Math.abs(a.unaccounted);
    }
  }
  return {
    bridgeCoverage,
    accounting: {
      days,
      unaccounted,
      offBy,
      ok: unaccounted === 0 && days.length > 0,
      ...(days.length === 0 ? { error: "no day of the range has ended yet: run the checks again tomorrow (cursor = to)" } : {}),
    },
  };
}
