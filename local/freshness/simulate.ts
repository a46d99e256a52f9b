import { BATCH_SCHEDULE } from "../../core/lanes";
import { firehoseBufferingSeconds, MERGE_MAX_EVENT_AGE_SECONDS, MERGE_TIMEOUT_SECONDS } from "../../core/limits";
import { mergeWindows, reresolves, runMerge } from "../../functions/merge";
import { QueryRunner } from "../../functions/queryRunner";
import { cronStarts, firehoseFlushes, nextRefresh, rng, Stats, stats, upperBound } from "./clock";
import { EventQueue } from "./eventQueue";
import { SimInputs } from "./inputs";

/**
 * A discrete-event simulation of one stack's path from a source event to the dashboard, on a simulated clock:
 * Firehose buffers (interval or size, whichever first), the merge schedules and Glue-success triggers feeding ONE
 * merge slot (the function's reserved concurrency of one), Lambda's throttle back-off for invocations that find it
 * busy, and the SPICE refresh schedules. Marked events ("probes") are timed through it; nothing here reads a wall clock.
 */

/** How long a merge run takes: the simulator's stated model (no AWS figure exists for Athena MERGE throughput). */
export interface MergeRunModel {
  /** Seconds per statement the real handler sends (Athena queueing, planning and commit). */
  readonly statementSeconds: number;
  /** Bronze rows a merge reads per second. */
  readonly rowsPerSecond: number;
  /** Rows a batch product's merge reads per run: the stack declares no batch volumes. */
  readonly batchRowsPerRun: number;
  /** A Glue run lasts this share of its timeout. */
  readonly glueRunShare: { readonly min: number; readonly max: number };
}

export const DEFAULT_MERGE_MODEL: MergeRunModel = {
  statementSeconds: 3,
  rowsPerSecond: 1_000_000,
  batchRowsPerRun: 5_000_000,
  glueRunShare: { min: 0.2, max: 0.8 },
};

export interface SimOptions {
  readonly seed: number;
  /** Hours over which probes are sent; the clock runs on until every probe is on the dashboard. */
  readonly hours: number;
  readonly probesPerProduct: number;
  /** Share of each stream's declared peak rate (1 = the peak, sustained). */
  readonly load: number;
  /** "random": each merge schedule starts at a seeded second of its interval; "aligned": all start at 0. */
  readonly phase: "random" | "aligned";
  readonly model: MergeRunModel;
}

export const DEFAULT_SIM_OPTIONS: SimOptions = { seed: 1, hours: 48, probesPerProduct: 2000, load: 1, phase: "random", model: DEFAULT_MERGE_MODEL };

/** Lambda retries a throttled asynchronous invocation after 1 s, backing off exponentially to at most 5 min. */
export const THROTTLE_FIRST_RETRY_SECONDS = 1;
export const THROTTLE_MAX_RETRY_SECONDS = 300;

export interface KpiResult {
  readonly kpi: string;
  readonly mode: "SPICE" | "DIRECT_QUERY";
  /** Measured minutes from a marked source event to the dashboard. */
  readonly measured: Stats;
  /** core/freshness.ts's worst case and the catalog's target. */
  readonly modelMinutes: number;
  readonly budgetMinutes: number;
  /** Marked events that never reached silver (their window aged out of every merge's lookback): unbounded staleness. */
  readonly neverMerged: number;
  readonly withinModel: boolean;
}

export interface SlotResult {
  /** Share of simulated time the single merge slot was running a merge. */
  readonly utilisation: number;
  /** Expected utilisation at the simulated load: each product's run time over its trigger period. */
  readonly offeredUtilisation: number;
  readonly runs: number;
  /** Invocations that found the slot busy at least once, and the throttled attempts in all. */
  readonly queuedInvocations: number;
  readonly throttledAttempts: number;
  /** Minutes from an invocation's fire to its run's start. */
  readonly queueWait: Stats;
  /** Invocations dropped after MERGE_MAX_EVENT_AGE_SECONDS, and runs killed at the timeout. */
  readonly dropped: number;
  readonly timedOut: number;
  /** Most invocations waiting at once, in the first and last quarter of the run: a growing queue shows here. */
  readonly maxWaitingFirstQuarter: number;
  readonly maxWaitingLastQuarter: number;
  /** No drop, no timeout and utilisation below 1. */
  readonly keepsUp: boolean;
  readonly byProduct: Record<string, { runs: number; runSeconds: number; statements: number; rowsRead: number; queueWaitMaxMinutes: number }>;
}

export interface FreshnessResult {
  readonly stack: string;
  readonly seed: number;
  readonly hours: number;
  readonly load: number;
  readonly model: MergeRunModel;
  readonly kpis: KpiResult[];
  readonly slot: SlotResult;
  /** Per stream: mean seconds between Firehose flushes and the share flushed by size. */
  readonly firehose: Record<string, { flushes: number; meanFlushSeconds: number; sizeFlushShare: number }>;
}

interface Probe {
  /** Source event time, seconds. */
  readonly at: number;
  /** received_at as bronze stamps it, and when its bronze row is committed. */
  stamp: number;
  landed: number;
  silver?: number;
}

interface Invocation {
  readonly product: string;
  /** The schedule's fire time or the Glue success time: the run's window end. */
  readonly scheduled: number;
  retry: number;
  queued: boolean;
}

type EventBody = { time: number } & ({ kind: "attempt"; inv: Invocation } | { kind: "glue"; product: string; start: number });

const EPOCH_MS = Date.parse("2026-06-01T00:00:00Z");

/** The statements the real merge handler sends for one run, counted by driving it with a runner that only counts. */
async function statementsOf(inputs: SimInputs, product: string, scheduled: number): Promise<{ statements: number; windows: number }> {
  let statements = 0;
  const runner: QueryRunner = {
    query: async () => {
      statements++;
      return [];
    },
  } as unknown as QueryRunner;
  const report = await runMerge({ product, scheduledTime: new Date(EPOCH_MS + scheduled * 1000).toISOString() }, inputs.mergeSettings, {
    runner,
    alerts: { putMetrics: async () => undefined },
    now: () => new Date(EPOCH_MS + scheduled * 1000),
  });
  return { statements, windows: report.windows.length };
}

export class SimulationError extends Error {}

/** Run the simulation for one stack's inputs. Deterministic for a given inputs, options and seed. */
export async function simulateFreshness(inputs: SimInputs, options: SimOptions): Promise<FreshnessResult> {
  const u = rng(options.seed);
  const model = options.model;
  const probeEnd = options.hours * 3600;
  // Long enough for a probe sent at the end to pass a daily Glue run, its merge and a daily refresh.
  const until = probeEnd + 3 * 86400;

  const streams = new Map(inputs.streams.map((s) => [s.name, s]));
  const batches = new Map(inputs.batches.map((b) => [b.name, b]));
  const probes = new Map<string, Probe[]>();
  const firehose: FreshnessResult["firehose"] = {};
  const queue = new EventQueue<EventBody>();

  for (const s of inputs.streams) {
    const interval = firehoseBufferingSeconds(s.freshnessMinutes);
    const flushes = firehoseFlushes(s.peakRecordsPerSecond * options.load, s.avgRecordBytes, interval, until, u);
    firehose[s.name] = {
      flushes: flushes.times.length,
      meanFlushSeconds: Math.round((until / Math.max(1, flushes.times.length)) * 100) / 100,
      sizeFlushShare: Math.round((flushes.bySize / Math.max(1, flushes.times.length)) * 1000) / 1000,
    };
    const list: Probe[] = [];
    for (let i = 0; i < options.probesPerProduct; i++) {
      const at = u() * probeEnd;
      const f = flushes.times[upperBound(flushes.times, at)];
      if (f === undefined) throw new SimulationError(`${s.name}: no Firehose flush after ${at} s; the simulated horizon is too short`);
      list.push({ at, stamp: at, landed: f });
    }
    probes.set(
      s.name,
      list.sort((a, b) => a.at - b.at),
    );
  }
  for (const b of inputs.batches) {
    const list: Probe[] = [];
    for (let i = 0; i < options.probesPerProduct; i++) {
      const at = u() * probeEnd;
      list.push({ at, stamp: Number.NaN, landed: Number.NaN });
    }
    probes.set(
      b.name,
      list.sort((a, b2) => a.at - b2.at),
    );
    for (const start of cronStarts(BATCH_SCHEDULE[b.lane], until)) queue.push({ time: start, kind: "glue", product: b.name, start });
  }

  for (const m of inputs.merges) {
    if (m.trigger.kind !== "schedule") continue;
    const period = m.trigger.intervalMinutes * 60;
    const phase = options.phase === "aligned" ? 0 : Math.floor(u() * period);
    for (let t = phase; t < until; t += period)
      queue.push({ time: t, kind: "attempt", inv: { product: m.product, scheduled: t, retry: 0, queued: false } });
  }

  const lookback = new Map(inputs.merges.map((m) => [m.product, m.lookbackMinutes * 60]));
  const statementCache = new Map<string, number>();
  const byProduct: SlotResult["byProduct"] = Object.fromEntries(
    inputs.merges.map((m) => [m.product, { runs: 0, runSeconds: 0, statements: 0, rowsRead: 0, queueWaitMaxMinutes: 0 }]),
  );
  const waits: number[] = [];
  let busyUntil = 0;
  let busySeconds = 0;
  let throttled = 0;
  let queuedInvocations = 0;
  let dropped = 0;
  let timedOut = 0;
  let waiting = 0;
  const maxWaiting = [0, 0];
  const quarter = until / 4;

  const runSecondsOf = async (product: string, scheduled: number) => {
    const end = new Date(EPOCH_MS + scheduled * 1000);
    const windows = mergeWindows(end, lookback.get(product)! / 60).length;
    const key = `${product}/${windows}/${reresolves({ product }, inputs.mergeSettings, end)}`;
    if (!statementCache.has(key)) statementCache.set(key, (await statementsOf(inputs, product, scheduled)).statements);
    const statements = statementCache.get(key)!;
    const s = streams.get(product);
    const rows = s ? s.peakRecordsPerSecond * options.load * lookback.get(product)! : model.batchRowsPerRun;
    return { statements, rows, seconds: statements * model.statementSeconds + rows / model.rowsPerSecond };
  };

  while (queue.size > 0) {
    const e = queue.pop();
    if (e.kind === "glue") {
      const b = batches.get(e.product)!;
      const share = model.glueRunShare.min + u() * (model.glueRunShare.max - model.glueRunShare.min);
      const duration = Math.round(b.timeoutMinutes * 60 * share);
      // The job stamps one received_at per run (current_timestamp at its write) and commits at the end.
      const stamp = e.start + Math.round(duration * 0.1);
      for (const p of probes.get(e.product)!) {
        if (Number.isNaN(p.stamp) && p.at <= e.start) Object.assign(p, { stamp, landed: e.start + duration });
      }
      queue.push({ time: e.start + duration, kind: "attempt", inv: { product: e.product, scheduled: e.start + duration, retry: 0, queued: false } });
      continue;
    }
    const inv = e.inv;
    const t = e.time;
    if (t < busyUntil) {
      throttled++;
      if (!inv.queued) {
        inv.queued = true;
        queuedInvocations++;
        waiting++;
        const q = t < quarter ? 0 : t >= 3 * quarter ? 1 : -1;
        if (q >= 0) maxWaiting[q] = Math.max(maxWaiting[q], waiting);
      }
      inv.retry = inv.retry === 0 ? THROTTLE_FIRST_RETRY_SECONDS : Math.min(THROTTLE_MAX_RETRY_SECONDS, inv.retry * 2);
      if (t + inv.retry - inv.scheduled > MERGE_MAX_EVENT_AGE_SECONDS) {
        dropped++;
        waiting--;
        continue;
      }
      queue.push({ time: t + inv.retry, kind: "attempt", inv });
      continue;
    }
    if (inv.queued) waiting--;
    const run = await runSecondsOf(inv.product, inv.scheduled);
    const killed = run.seconds > MERGE_TIMEOUT_SECONDS;
    const seconds = killed ? MERGE_TIMEOUT_SECONDS : run.seconds;
    busyUntil = t + seconds;
    busySeconds += seconds;
    const wait = (t - inv.scheduled) / 60;
    waits.push(wait);
    const bp = byProduct[inv.product];
    bp.runs++;
    bp.runSeconds += seconds;
    bp.statements += run.statements;
    bp.rowsRead += run.rows;
    bp.queueWaitMaxMinutes = Math.max(bp.queueWaitMaxMinutes, Math.round(wait * 100) / 100);
    if (killed) {
      timedOut++;
    } else {
      const windows = mergeWindows(new Date(EPOCH_MS + inv.scheduled * 1000), lookback.get(inv.product)! / 60).map((w) => ({
        start: (w.start.getTime() - EPOCH_MS) / 1000,
        end: (w.end.getTime() - EPOCH_MS) / 1000,
      }));
      for (const p of probes.get(inv.product)!) {
        if (p.silver !== undefined || !(p.landed <= t)) continue;
        if (windows.some((w) => p.stamp >= w.start && p.stamp < w.end)) p.silver = t + seconds;
      }
    }
  }

  const kpis: KpiResult[] = inputs.kpis.map((k) => {
    const minutes: number[] = [];
    let neverMerged = 0;
    for (const product of k.sourceProducts) {
      for (const p of probes.get(product) ?? []) {
        if (p.silver === undefined) {
          neverMerged++;
          continue;
        }
        const visible = k.refresh ? nextRefresh(p.silver, k.refresh, inputs.dailyRefreshTime) : p.silver;
        minutes.push((visible - p.at) / 60);
      }
    }
    const measured = stats(minutes);
    return {
      kpi: k.kpi,
      mode: k.refresh ? "SPICE" : "DIRECT_QUERY",
      measured,
      modelMinutes: k.model.minutes,
      budgetMinutes: k.model.budgetMinutes,
      neverMerged,
      withinModel: neverMerged === 0 && measured.max <= k.model.minutes,
    };
  });

  let offered = 0;
  for (const m of inputs.merges) {
    // A run on the hour is its product's identity run (the record and the re-resolution), once an hour; a run at half
    // past is an ordinary one, unless every run of the product is an identity run (intervals of an hour or more).
    const seconds = Math.min(MERGE_TIMEOUT_SECONDS, (await runSecondsOf(m.product, 3600)).seconds);
    const ordinary = Math.min(MERGE_TIMEOUT_SECONDS, (await runSecondsOf(m.product, 5400)).seconds);
    if (m.trigger.kind === "schedule") offered += ordinary / (m.trigger.intervalMinutes * 60) + (seconds - ordinary) / 3600;
    else offered += (seconds * cronStarts(BATCH_SCHEDULE[batches.get(m.product)!.lane], 86400).length) / 86400;
  }
  const utilisation = busySeconds / until;
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  for (const bp of Object.values(byProduct)) bp.runSeconds = Math.round(bp.runSeconds * 10) / 10;
  return {
    stack: inputs.stack,
    seed: options.seed,
    hours: options.hours,
    load: options.load,
    model,
    kpis,
    slot: {
      utilisation: round3(utilisation),
      offeredUtilisation: round3(offered),
      runs: waits.length,
      queuedInvocations,
      throttledAttempts: throttled,
      queueWait: stats(waits),
      dropped,
      timedOut,
      maxWaitingFirstQuarter: maxWaiting[0],
      maxWaitingLastQuarter: maxWaiting[1],
      keepsUp: dropped === 0 && timedOut === 0 && utilisation < 1,
      byProduct,
    },
    firehose,
  };
}
