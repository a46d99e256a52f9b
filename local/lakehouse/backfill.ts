import { BackfillEvent, BackfillReport, BackfillSettings, runBackfill, SwitchBackChecks } from "../../functions/backfill";
import { MergeEvent, MergeReport, MergeSettings, runMerge } from "../../functions/merge";
import { backfillSettingsOf, mergeSettingsOf } from "../../components/operations/settings";
import { stackFilePath } from "../freshness/inputs";
import { loadStackPlan } from "../stackPlan";
import { Alerts } from "../../functions/alerts";
import { LocalLakehouse } from "./duckdb";

/** What the local backfill needs besides the event: the merge's settings (as deployed), the backfill's, the clock. */
export interface LocalBackfillInputs {
  readonly merge: MergeSettings;
  readonly backfill: BackfillSettings;
  readonly now: Date;
  readonly alerts: Pick<Alerts, "putMetrics">;
  /** Milliseconds one merge is taken to hold the slot (the invocation's virtual clock); default a minute. */
  readonly mergeMs?: number;
  /** Each merge's report, as the merge function returns it (its rowsReresolved included). */
  readonly onMerge?: (report: MergeReport) => void;
}

/**
 * The deployed backfill handler on the local lakehouse: the real merge handler and SQL on DuckDB stand in for the
 * merge function, and a queue of hand-over events for Lambda's, each invocation on a virtual 900-s clock. Returns
 * every invocation's report (the last is the checks') and the merges in the order they ran.
 */
export async function localBackfill(
  lake: LocalLakehouse,
  event: BackfillEvent,
  inputs: LocalBackfillInputs,
): Promise<{ reports: BackfillReport[]; merges: MergeEvent[] }> {
  const queue = [event];
  const reports: BackfillReport[] = [];
  const merges: MergeEvent[] = [];
  while (queue.length > 0) {
    let t = 0;
    reports.push(
      await runBackfill(queue.shift()!, inputs.backfill, {
        invokeMerge: async (e) => {
          merges.push(e);
          t += inputs.mergeMs ?? 60_000;
          try {
            const report = await runMerge(e, inputs.merge, { runner: lake, alerts: inputs.alerts, now: () => inputs.now });
            inputs.onMerge?.(report);
            return { status: "merged", rowsByTable: report.rowsByTable };
          } catch (err) {
            return { status: "failed", message: (err as Error).message };
          }
        },
        continueWith: async (e) => void queue.push(JSON.parse(JSON.stringify(e)) as BackfillEvent),
        runner: lake,
        alerts: inputs.alerts,
        now: () => inputs.now,
        remainingMs: () => inputs.backfill.timeoutSeconds * 1000 - t,
        sleep: async (ms) => void (t += ms),
        log: () => undefined,
      }),
    );
  }
  return { reports, merges };
}

/** What a backfill of [from, to) through the deployed handlers did, for the offline tools and people. */
export interface DeployedBackfillResult {
  readonly invocations: number;
  /** Product × window merges the backfill invoked. */
  readonly merges: number;
  /** Distinct windows (by their end) it merged. */
  readonly windows: number;
  readonly rowsReresolved: Record<string, number>;
  /** The handler's own switch-back checks and verdict (its last invocation's report). */
  readonly checks: SwitchBackChecks;
  readonly switchBackReady: boolean;
}

/**
 * The backfill as a stack deploys it: the settings the program ships to the merge and backfill functions for `stack`
 * (components/operations/settings.ts on the stack file's own operations plan), run by the real handlers on DuckDB.
 * `now` is the operator's clock: `to` must not be after it, and its day is left out of the accounting check.
 */
export async function deployedBackfill(
  lake: LocalLakehouse,
  event: BackfillEvent,
  options: { readonly now: Date; readonly stack?: string; readonly reresolveHorizonDays?: number },
): Promise<DeployedBackfillResult> {
  const stack = options.stack ?? "prod";
  const { cfg, plan } = loadStackPlan(stackFilePath(stack), stack);
  const rowsReresolved: Record<string, number> = {};
  const { reports, merges } = await localBackfill(lake, event, {
    merge: mergeSettingsOf(plan, options.reresolveHorizonDays ?? cfg.reresolveHorizonDays),
    backfill: backfillSettingsOf(plan, {
      rawEmailRetentionDays: cfg.privacy.rawEmailRetentionDays,
      bridgeCoverageMin: cfg.operations.bridgeCoverageMin,
    }),
    now: options.now,
    alerts: { putMetrics: async () => undefined },
    onMerge: (r) => {
      for (const [table, n] of Object.entries(r.rowsReresolved)) rowsReresolved[table] = (rowsReresolved[table] ?? 0) + n;
    },
  });
  const last = reports[reports.length - 1];
  if (!last?.checks) throw new Error(`backfill ${JSON.stringify(event)}: its last invocation reported no checks (${JSON.stringify(last)})`);
  return {
    invocations: reports.length,
    merges: merges.length,
    windows: new Set(merges.map((m) => m.scheduledTime)).size,
    rowsReresolved,
    checks: last.checks,
    switchBackReady: last.switchBackReady === true,
  };
}
