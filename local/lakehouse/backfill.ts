import { BackfillEvent, BackfillReport, BackfillSettings, runBackfill } from "../../functions/backfill";
import { MergeEvent, MergeSettings, runMerge } from "../../functions/merge";
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
