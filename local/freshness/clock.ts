import { FIREHOSE_BUFFERING_SIZE_MIB } from "../../core/limits";

/** The simulator's clock arithmetic: seeded randomness, schedules, Firehose flushes and percentiles. */

export interface Stats {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

/** mulberry32: small, seedable, the same sequence on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function poisson(lambda: number, u: () => number): number {
  if (lambda > 50) {
    const z = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
  }
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= u();
  } while (p > l);
  return k - 1;
}

export function stats(values: readonly number[]): Stats {
  if (values.length === 0) return { count: 0, p50: 0, p95: 0, max: 0 };
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  const r = (m: number) => Math.round(m * 100) / 100;
  return { count: s.length, p50: r(at(0.5)), p95: r(at(0.95)), max: r(s[s.length - 1]) };
}

/** Start times (seconds from the simulation's midnight) of a Glue cron schedule of the forms BATCH_SCHEDULE uses. */
export function cronStarts(expression: string, untilSeconds: number): number[] {
  const m = /^cron\((\S+) (\S+) \* \* \? \*\)$/.exec(expression);
  if (!m) throw new Error(`cronStarts: ${expression} is not of the form cron(<minute> <hour> * * ? *)`);
  const minutes = (field: string, span: number) => {
    const step = /^(\d+)\/(\d+)$/.exec(field);
    if (step) return Array.from({ length: Math.ceil((span - Number(step[1])) / Number(step[2])) }, (_, i) => Number(step[1]) + i * Number(step[2]));
    if (field === "*") return Array.from({ length: span }, (_, i) => i);
    if (/^\d+$/.test(field)) return [Number(field)];
    throw new Error(`cronStarts: cannot read field "${field}" of ${expression}`);
  };
  const out: number[] = [];
  for (let day = 0; day * 86400 < untilSeconds; day++) {
    for (const h of minutes(m[2], 24)) for (const min of minutes(m[1], 60)) out.push(day * 86400 + h * 3600 + min * 60);
  }
  return out.filter((t) => t < untilSeconds).sort((a, b) => a - b);
}

/** Firehose flush times for a stream at a sustained rate: a buffer flushes at the size hint or the interval. */
export function firehoseFlushes(
  recordsPerSecond: number,
  avgRecordBytes: number,
  intervalSeconds: number,
  untilSeconds: number,
  u: () => number,
): { times: number[]; bySize: number } {
  const sizeBytes = FIREHOSE_BUFFERING_SIZE_MIB * 1024 * 1024;
  const times: number[] = [];
  let bySize = 0;
  let bytes = 0;
  let opened: number | undefined;
  for (let t = 0; t < untilSeconds; t++) {
    const n = poisson(recordsPerSecond, u);
    if (n > 0 && opened === undefined) opened = t;
    bytes += n * avgRecordBytes;
    if (opened === undefined) continue;
    if (bytes >= sizeBytes || t + 1 - opened >= intervalSeconds) {
      if (bytes >= sizeBytes) bySize++;
      times.push(t + 1);
      bytes = 0;
      opened = undefined;
    }
  }
  return { times, bySize };
}

/** First index in sorted `a` whose value is > x. */
export function upperBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Next SPICE refresh start at or after `t` (seconds): intervals on the clock from midnight, daily at its time of day. */
export function nextRefresh(t: number, refresh: { interval: string; minutes: number }, dailyAt: string): number {
  if (refresh.interval === "DAILY") {
    const [h, m] = dailyAt.split(":").map(Number);
    const offset = h * 3600 + m * 60;
    const day = Math.floor((t - offset) / 86400);
    const candidate = day * 86400 + offset;
    return candidate >= t ? candidate : candidate + 86400;
  }
  const period = refresh.minutes * 60;
  return Math.ceil(t / period) * period;
}
