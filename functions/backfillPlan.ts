import { MergeWindow } from "./merge";

/**
 * What an operator sends to replay bronze through the merge: the products, the received_at range [from, to) and the
 * window length; `cursor` resumes a run (the start of the first window not yet merged for every product, or `to`
 * to run only the switch-back checks).
 */
export interface BackfillEvent {
  readonly products: readonly string[];
  readonly from: string;
  readonly to: string;
  /** Whole hours per window, 1 to 24 (default 24); windows are also cut at UTC midnight, as the merge cuts them. */
  readonly windowHours?: number;
  readonly cursor?: string;
  /** With `cursor`: the first product of the cursor's window not merged yet (the ones before it in `products` are). */
  readonly cursorProduct?: string;
}

/** Every field a backfill event may carry. */
export const EVENT_FIELDS = ["products", "from", "to", "windowHours", "cursor", "cursorProduct"] as const;

/** What the backfill needs to know about the stack, shipped in its settings.json. */
export interface BackfillLimits {
  /** Products the merge function merges, in the plan's order. */
  readonly products: readonly string[];
  /**
   * Products whose silver table the identity bridge reads (the CRM extract): merged first in every window, so the
   * bridge the window's other merges resolve through already holds the window's CRM rows.
   */
  readonly bridgeSources?: readonly string[];
  /** retail:privacy.rawEmailRetentionDays: older bronze rows have had their email scrubbed. */
  readonly rawEmailRetentionDays: number;
  /** The backfill function's timeout and the merge function's: one merge must fit an invocation. */
  readonly timeoutSeconds: number;
  readonly mergeTimeoutSeconds: number;
}

/** A validated event: the range and the windows still to run. */
export interface BackfillPlan {
  /** In the order each window merges them: the bridge's sources first, then the rest as listed. */
  readonly products: string[];
  readonly from: Date;
  readonly to: Date;
  readonly windowHours: number;
  /** Windows from the cursor (or from) to `to`, in order. */
  readonly windows: MergeWindow[];
  /** Windows of the whole range before the cursor: done by earlier invocations. */
  readonly windowsDone: number;
  /** Products of the first window already merged by an earlier invocation (before cursorProduct). */
  readonly skipInFirstWindow: number;
}

export class BackfillInputError extends Error {}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
export const DEFAULT_WINDOW_HOURS = 24;
/** Seconds an invocation keeps for its checks, logs and hand-over after its last merge. */
export const BACKFILL_MARGIN_SECONDS = 60;

/** [start, to) in windows of `hours`, each also cut at UTC midnight so it reads one day partition (functions/merge.ts). */
export function backfillWindows(start: Date, to: Date, hours: number): MergeWindow[] {
  const windows: MergeWindow[] = [];
  for (let from = start.getTime(); from < to.getTime();) {
    const end = Math.min(from + hours * HOUR_MS, (Math.floor(from / DAY_MS) + 1) * DAY_MS, to.getTime());
    windows.push({ start: new Date(from), end: new Date(end) });
    from = end;
  }
  return windows;
}

/** The earliest arrival a replay may read: a day after the scrub's cutoff (today UTC minus the retention). */
export function earliestReplay(now: Date, rawEmailRetentionDays: number): Date {
  return new Date((Math.floor(now.getTime() / DAY_MS) - rawEmailRetentionDays + 1) * DAY_MS);
}

function problem(field: string, value: unknown, why: string, fix: string): BackfillInputError {
  return new BackfillInputError(`backfill: ${field} = ${JSON.stringify(value)} ${why}. Fix: ${fix}.`);
}

const UTC_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{3})?)?Z$/;

/**
 * A UTC time written `YYYY-MM-DDTHH:MM[:SS[.mmm]]Z` (as `date -u +%FT%TZ` and toISOString write it) that exists: Date
 * rolls 2026-11-31 or hour 24 over to another day, so a time that does not print back as given is refused. On a whole
 * minute, since the merge's window end is taken to the minute.
 */
function time(field: string, value: unknown): Date {
  const d = typeof value === "string" && UTC_TIME.test(value) ? new Date(value) : undefined;
  if (!d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 16) !== (value as string).slice(0, 16))
    throw problem(field, value, "is not a real UTC time written YYYY-MM-DDTHH:MM:SSZ", 'give e.g. "2026-11-20T00:00:00Z"');
  if (d.getTime() % 60_000 !== 0) throw problem(field, value, "is not on a whole minute", "drop the seconds");
  return d;
}

/** Check every field of the event against the stack and the clock; each problem names the field, its value and the fix. */
export function planBackfill(event: BackfillEvent, limits: BackfillLimits, now: Date): BackfillPlan {
  if (typeof event !== "object" || event === null)
    throw problem("event", event, "is not an object", 'send {"products": [...], "from": ..., "to": ...}');
  // A misspelt field (windowhours, cursor_product) would otherwise run with its default, and travel on every hand-over.
  const unknownField = Object.keys(event).find((k) => !(EVENT_FIELDS as readonly string[]).includes(k));
  if (unknownField !== undefined)
    throw problem(
      unknownField,
      (event as unknown as Record<string, unknown>)[unknownField],
      "is not a field of the backfill's event",
      `use only ${EVENT_FIELDS.join(", ")}`,
    );
  const known = limits.products.join(", ");
  if (!Array.isArray(event.products) || event.products.length === 0)
    throw problem("products", event.products, "is not a non-empty list of products", `list some of ${known}`);
  const listed: string[] = [];
  event.products.forEach((p, i) => {
    if (typeof p !== "string" || !limits.products.includes(p)) throw problem(`products[${i}]`, p, "is not a merged product", `use one of ${known}`);
    if (listed.includes(p)) throw problem(`products[${i}]`, p, "is listed twice", "list each product once");
    listed.push(p);
  });
  const first = (p: string) => (limits.bridgeSources ?? []).includes(p);
  const products = [...listed.filter(first), ...listed.filter((p) => !first(p))];
  if (limits.mergeTimeoutSeconds + BACKFILL_MARGIN_SECONDS > limits.timeoutSeconds)
    throw new BackfillInputError(
      `backfill: its timeout (${limits.timeoutSeconds} s) does not fit one merge (${limits.mergeTimeoutSeconds} s) and its margin`,
    );
  const windowHours = event.windowHours ?? DEFAULT_WINDOW_HOURS;
  if (!Number.isInteger(windowHours) || windowHours < 1 || windowHours > 24)
    throw problem(
      "windowHours",
      event.windowHours,
      "is not a whole number of hours from 1 to 24",
      "give e.g. 24, or 1 when a day's window does not merge within the merge's timeout",
    );
  const from = time("from", event.from);
  const to = time("to", event.to);
  if (from.getTime() >= to.getTime())
    throw problem("from", event.from, `is not before to (${event.to})`, "give a range [from, to) with from earlier");
  if (to.getTime() > now.getTime())
    throw problem(
      "to",
      event.to,
      `is in the future (now ${now.toISOString()})`,
      "end the range at or before now; the scheduled merges take it from there",
    );
  const cursor = event.cursor === undefined ? undefined : time("cursor", event.cursor);
  if (cursor && (cursor.getTime() < from.getTime() || cursor.getTime() > to.getTime()))
    throw problem(
      "cursor",
      event.cursor,
      `is outside [from, to] = [${event.from}, ${event.to}]`,
      "resume from the cursor the last log line gave, or leave it out to start at from",
    );
  let skipInFirstWindow = 0;
  if (event.cursorProduct !== undefined) {
    skipInFirstWindow = products.indexOf(event.cursorProduct);
    if (!cursor || cursor.getTime() >= to.getTime() || skipInFirstWindow < 0)
      throw problem(
        "cursorProduct",
        event.cursorProduct,
        "is not one of products with a cursor before to",
        "pass the cursor and cursorProduct of the same log line",
      );
  }
  const start = cursor ?? from;
  const earliest = earliestReplay(now, limits.rawEmailRetentionDays);
  if (start.getTime() < to.getTime() && start.getTime() < earliest.getTime()) {
    throw problem(
      cursor ? "cursor" : "from",
      cursor ? event.cursor : event.from,
      `is before ${earliest.toISOString()}: bronze rows that arrived earlier may have had their email scrubbed (retail:privacy.rawEmailRetentionDays = ${limits.rawEmailRetentionDays}), and a keyless row's key digests its email, so a replay could insert it twice`,
      `start at or after ${earliest.toISOString()}`,
    );
  }
  return {
    products,
    from,
    to,
    windowHours,
    windows: backfillWindows(start, to, windowHours),
    windowsDone: cursor ? backfillWindows(from, cursor, windowHours).length : 0,
    skipInFirstWindow,
  };
}
