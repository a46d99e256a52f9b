/**
 * The rollback switch's guard rails (the seed: "switch gold to store-only reporting while the bridge backfills",
 * for at most 48 hours). Pure facts: the gold layer and the config read them from here.
 */

export type GoldChannelMode = "omnichannel" | "store-only";

/** Hours a store-only period may last before it alarms (the seed's 48-hour bridge backfill). */
export const ROLLBACK_MAX_HOURS = 48;

/** A UTC time as config gives it: `YYYY-MM-DDTHH:MM[:SS]Z`. */
export const UTC_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z$/;

/** The instant `since` names, or undefined when it is not a real UTC time. */
export function parseUtc(since: string): Date | undefined {
  if (!UTC_TIME.test(since)) return undefined;
  const d = new Date(since);
  // Date rolls 2026-02-30 over to March: a time that does not print back as given is not real.
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, since.length - 1) !== since.slice(0, -1) ? undefined : d;
}

/** `d` as config writes it: `YYYY-MM-DDTHH:MM:SSZ`. */
export function formatUtc(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** When a store-only period that began at `since` alarms. */
export function rollbackDeadline(since: Date): Date {
  return new Date(since.getTime() + ROLLBACK_MAX_HOURS * 3_600_000);
}

/** EventBridge Scheduler's one-time expression for `d` (UTC, to the second). */
export function schedulerAt(d: Date): string {
  return `at(${d.toISOString().slice(0, 19)})`;
}

/**
 * The id of the SPICE ingestion a mode switch runs: a new mode or switch time is a new id, so `pulumi up` re-ingests
 * the datasets as part of the switch rather than at their next schedule (QuickSight ingestion ids: [\w-], 128).
 */
export function modeIngestionId(mode: GoldChannelMode, since: Date): string {
  return `mode-${mode}-${since.toISOString().slice(0, 19).replace(/[-:]/g, "")}`;
}
