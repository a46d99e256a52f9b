import { parseEventTime } from "./freshness";

/**
 * Freshness measured, not modelled: how long the canary's rounds (functions/canary.ts) took from their send to each
 * KPI's dashboard. A round reaches a KPI's gold view when every stream product feeding the view's silver inputs has
 * recorded its canary in retail_silver.canary_arrivals (the views read silver live); a SPICE KPI's dashboard has it
 * when the first ingestion that started after that completes.
 */

export interface CanaryKpi {
  /** The KPI's modelled budget in minutes (the alarm threshold). */
  readonly budgetMinutes: number;
  /** Stream products whose merges write the silver tables the KPI's view reads: each must carry the round. */
  readonly products: readonly string[];
  /** The KPI's QuickSight data set when it is SPICE; absent for DIRECT_QUERY, whose view is the dashboard. */
  readonly dataSetId?: string;
}

export interface CanaryFreshnessSettings {
  /** Text of sql/canary/arrivals.sql: rows {product, event_id, sent_at, silver_at} of canaries sent since {{since}}. */
  readonly sql: string;
  /** Minutes between canary rounds: when the next round is due. */
  readonly intervalMinutes: number;
  /** Every KPI with at least one streamed input; a KPI fed by batch products alone has no canary to follow. */
  readonly kpis: Readonly<Record<string, CanaryKpi>>;
}

export interface CanaryArrival {
  readonly product: string;
  readonly sentAt: Date;
  readonly silverAt: Date;
}

/** A SPICE ingestion as QuickSight's ListIngestions reports it. */
export interface Ingestion {
  readonly createdAt: Date;
  readonly status: string;
  /** CreatedTime plus IngestionTimeInSeconds, for a COMPLETED ingestion. */
  readonly completedAt?: Date;
}

export interface MeasuredKpi {
  readonly kpi: string;
  readonly budgetMinutes: number;
  /** The newest round that reached the KPI's dashboard, stage by stage (ISO times). */
  readonly round?: { sentAt: string; silverAt: string; goldAt: string; spiceAt?: string; minutes: number };
  /** The round after it, due or in flight and not through yet: the freshness cannot be better than its age. */
  readonly waitingSince?: string;
  /** What is published: the larger of the last round's minutes and the waiting round's age; undefined, nothing to measure. */
  readonly minutes?: number;
  readonly status: "within" | "over" | "unmeasured";
}

const minutesBetween = (from: Date, to: Date) => Math.max(0, (to.getTime() - from.getTime()) / 60_000);

/** The rows of sql/canary/arrivals.sql, typed. */
export function parseArrivals(rows: readonly Record<string, unknown>[]): CanaryArrival[] {
  return rows.map((r) => {
    const sentAt = parseEventTime(r.sent_at);
    const silverAt = parseEventTime(r.silver_at);
    if (typeof r.product !== "string" || !sentAt || !silverAt)
      throw new Error(`canary arrival ${JSON.stringify(r)} lacks product, sent_at or silver_at`);
    return { product: r.product, sentAt, silverAt };
  });
}

/** The first completed ingestion that started at or after `from`: the one whose data includes what silver had then. */
export function ingestionAfter(ingestions: readonly Ingestion[], from: Date): Ingestion | undefined {
  return ingestions
    .filter((i) => i.status === "COMPLETED" && i.completedAt && i.createdAt.getTime() >= from.getTime())
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())[0];
}

/**
 * One KPI's measured freshness at `now`. Pure: the rule is tested without AWS. Rounds are told apart by their send
 * time (every product's canary of a round carries the same one).
 */
export function measureKpi(
  kpi: string,
  k: CanaryKpi,
  arrivals: readonly CanaryArrival[],
  ingestions: readonly Ingestion[] | undefined,
  intervalMinutes: number,
  now: Date,
): MeasuredKpi {
  const rounds = new Map<number, Map<string, Date>>();
  for (const a of arrivals.filter((x) => k.products.includes(x.product))) {
    const round = rounds.get(a.sentAt.getTime()) ?? new Map<string, Date>();
    round.set(a.product, a.silverAt);
    rounds.set(a.sentAt.getTime(), round);
  }
  const through: NonNullable<MeasuredKpi["round"]>[] = [];
  const waiting: number[] = [];
  for (const [sent, byProduct] of [...rounds.entries()].sort(([a], [b]) => a - b)) {
    const sentAt = new Date(sent);
    if (!k.products.every((p) => byProduct.has(p))) {
      waiting.push(sent);
      continue;
    }
    const goldAt = new Date(Math.max(...[...byProduct.values()].map((d) => d.getTime())));
    const spice = k.dataSetId !== undefined ? ingestionAfter(ingestions ?? [], goldAt) : undefined;
    if (k.dataSetId !== undefined && !spice) {
      waiting.push(sent);
      continue;
    }
    const end = spice?.completedAt ?? goldAt;
    through.push({
      sentAt: sentAt.toISOString(),
      silverAt: new Date(Math.min(...[...byProduct.values()].map((d) => d.getTime()))).toISOString(),
      goldAt: goldAt.toISOString(),
      ...(spice ? { spiceAt: end.toISOString() } : {}),
      minutes: minutesBetween(sentAt, end),
    });
  }
  const last = through.at(-1);
  const lastSent = last ? Date.parse(last.sentAt) : undefined;
  // The round after the last one through: in flight if any product has it, else due one interval later.
  const nextWaiting = waiting.find((w) => lastSent === undefined || w > lastSent);
  const due = nextWaiting ?? (lastSent !== undefined ? lastSent + intervalMinutes * 60_000 : undefined);
  const waitedMinutes = due !== undefined ? minutesBetween(new Date(due), now) : 0;
  if (!last && nextWaiting === undefined) return { kpi, budgetMinutes: k.budgetMinutes, status: "unmeasured" };
  const minutes = Math.max(last?.minutes ?? 0, waitedMinutes);
  return {
    kpi,
    budgetMinutes: k.budgetMinutes,
    ...(last ? { round: last } : {}),
    ...(due !== undefined && due <= now.getTime() && (!last || waitedMinutes > 0) ? { waitingSince: new Date(due).toISOString() } : {}),
    minutes,
    status: minutes > k.budgetMinutes ? "over" : "within",
  };
}

/** How far back the arrivals and ingestions are read: three of the slowest KPI's budget plus a round, so a late round still shows. */
export function canaryLookbackMinutes(settings: Pick<CanaryFreshnessSettings, "kpis" | "intervalMinutes">): number {
  return 3 * (Math.max(0, ...Object.values(settings.kpis).map((k) => k.budgetMinutes)) + settings.intervalMinutes);
}
