/**
 * The lane rule (design.md "Catalogs"; the seed's lane matrix): a data product's freshness need and its
 * semantics decide how it travels. Adding a data product is adding a config row, not code.
 */
export type Lane = "stream" | "batch-15min" | "batch-hourly" | "batch-daily";
export type Semantics = "event" | "snapshot";

/** How often each batch lane runs, in minutes; a batch lane can serve a need no tighter than its cadence. */
export const BATCH_CADENCE_MINUTES: Record<Exclude<Lane, "stream">, number> = {
  "batch-15min": 15,
  "batch-hourly": 60,
  "batch-daily": 1440,
};

/** Glue trigger schedules for each batch lane (cron in UTC). */
export const BATCH_SCHEDULE: Record<Exclude<Lane, "stream">, string> = {
  "batch-15min": "cron(0/15 * * * ? *)",
  "batch-hourly": "cron(5 * * * ? *)",
  "batch-daily": "cron(30 2 * * ? *)",
};

export const LANES: readonly Lane[] = ["stream", "batch-15min", "batch-hourly", "batch-daily"];

/**
 * Lanes a product may use. Snapshots are read whole at a point in time, so they never stream; events may
 * always stream; a batch lane is allowed when its cadence is no slower than the freshness need.
 */
export function allowedLanes(semantics: Semantics, freshnessMinutes: number): Lane[] {
  const batches = (Object.keys(BATCH_CADENCE_MINUTES) as Exclude<Lane, "stream">[]).filter((l) => BATCH_CADENCE_MINUTES[l] <= freshnessMinutes);
  return semantics === "event" ? ["stream", ...batches] : batches;
}

export class LaneError extends Error {}

/**
 * The lane for a product: the one it asks for if its semantics and need allow it, otherwise the cheapest
 * lane that meets the need (the slowest batch whose cadence fits, else a stream).
 */
export function chooseLane(product: { name: string; semantics: Semantics; freshnessMinutes: number; lane?: Lane }): Lane {
  const allowed = allowedLanes(product.semantics, product.freshnessMinutes);
  if (product.lane !== undefined) {
    if (!allowed.includes(product.lane)) {
      const why =
        product.lane === "stream"
          ? `a ${product.semantics} product cannot stream (snapshots are read whole on a schedule)`
          : `${product.lane} runs every ${BATCH_CADENCE_MINUTES[product.lane]} min, slower than the ${product.freshnessMinutes}-min freshness need`;
      throw new LaneError(
        `data product "${product.name}": lane "${product.lane}" is not allowed: ${why}. ` +
          (allowed.length > 0 ? `Use one of: ${allowed.join(", ")}, or omit lane to take the default.` : `Raise freshnessMinutes to at least 15.`),
      );
    }
    return product.lane;
  }
  if (allowed.length === 0) {
    throw new LaneError(
      `data product "${product.name}": a ${product.semantics} product needs freshnessMinutes >= 15 (the fastest batch lane); found ${product.freshnessMinutes}. ` +
        `Raise freshnessMinutes, or model it as an event product so it can stream.`,
    );
  }
  const batches = allowed.filter((l) => l !== "stream");
  return batches.length > 0 ? batches[batches.length - 1] : "stream";
}
