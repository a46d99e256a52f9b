import { sourcePath } from "../../core/freshness";
import { BATCH_SCHEDULE, Lane } from "../../core/lanes";
import { CostItem, streamLaneCost, totalUsd } from "../../core/cost";
import {
  CLOUDWATCH_LOG_RETENTION_DAYS,
  defaultShardQuota,
  firehoseBufferingSeconds,
  MERGE_TIMEOUT_SECONDS,
  nearestLogRetentionDays,
  provisionedShards,
} from "../../core/limits";
import { teamSlug } from "../../core/names";
import { CONFIG_NAMESPACE } from "./schema";

/**
 * Cross-field rules for what AWS accepts and what the platform can deliver, beyond zod's shapes. Each is a pure
 * function returning the problems it finds, each naming the key, the value and the fix.
 */

const sum = (parts: readonly { minutes: number }[]) => Math.round(parts.reduce((t, p) => t + p.minutes, 0) * 100) / 100;

/** Minutes from a stream product's source event to silver: the same parts the freshness budget adds (core/freshness.ts). */
export function streamPathMinutes(freshnessMinutes: number): { minutes: number; parts: { what: string; minutes: number }[] } {
  const parts = sourcePath({ streams: [{ name: "p", freshnessMinutes }], batches: [] }, "p")!;
  return { minutes: sum(parts), parts: parts.map((p) => ({ what: p.what.replace(/^p: /, ""), minutes: p.minutes })) };
}

const MAX_FRESHNESS_MINUTES = 10080;

/**
 * A stream's buffering and merge are sized from its own freshness need, so a need shorter than the path that need
 * produces can never be met. Undefined when the lane meets it.
 */
export function streamFreshnessProblem(at: string, product: string, freshnessMinutes: number): string | undefined {
  const path = streamPathMinutes(freshnessMinutes);
  if (path.minutes <= freshnessMinutes) return undefined;
  let meetable = freshnessMinutes + 1;
  while (meetable < MAX_FRESHNESS_MINUTES && streamPathMinutes(meetable).minutes > meetable) meetable++;
  return (
    `${at}.freshnessMinutes = ${freshnessMinutes}: "${product}" cannot reach silver within ${freshnessMinutes} min on a stream: ` +
    `the path this need sizes is ${path.parts.map((p) => `${p.what} ${p.minutes} min`).join(" + ")} = ${path.minutes} min. ` +
    `Fix: set freshnessMinutes to ${meetable}, the nearest need above ${freshnessMinutes} a stream meets (its path is ${streamPathMinutes(meetable).minutes} min).`
  );
}

const hhmm = (minuteOfDay: number) => {
  const m = ((minuteOfDay % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
};

/**
 * When the daily batch lanes may be writing bronze ahead of silver: from the batch-daily Glue schedule's start to
 * the longest daily job's timeout plus the silver MERGE its success starts. Undefined without a daily product.
 */
export function dailyBatchWindow(
  batches: readonly { name: string; lane: Exclude<Lane, "stream">; batch: { timeoutMinutes: number } }[],
): { start: number; end: number; longest: string; timeoutMinutes: number } | undefined {
  const daily = batches.filter((b) => b.lane === "batch-daily");
  if (daily.length === 0) return undefined;
  const cron = /^cron\((\d+) (\d+) /.exec(BATCH_SCHEDULE["batch-daily"]);
  if (!cron) throw new Error(`dailyBatchWindow: cannot read minute and hour from ${BATCH_SCHEDULE["batch-daily"]}`);
  const start = Number(cron[2]) * 60 + Number(cron[1]);
  const longest = daily.reduce((a, b) => (b.batch.timeoutMinutes > a.batch.timeoutMinutes ? b : a));
  return {
    start,
    end: start + longest.batch.timeoutMinutes + MERGE_TIMEOUT_SECONDS / 60,
    longest: longest.name,
    timeoutMinutes: longest.batch.timeoutMinutes,
  };
}

/** Reconciliation counts bronze against silver: run inside the daily window, it reports rows the merge has not reached yet as drift. */
export function reconcileHourProblem(
  hourUtc: number,
  batches: readonly { name: string; lane: Exclude<Lane, "stream">; batch: { timeoutMinutes: number } }[],
): string | undefined {
  const w = dailyBatchWindow(batches);
  if (!w) return undefined;
  const inside = (h: number) => (((h * 60 - w.start) % 1440) + 1440) % 1440 < w.end - w.start;
  if (!inside(hourUtc)) return undefined;
  const after = [...Array(24).keys()].map((i) => (Math.ceil(w.end / 60) + i) % 24).find((h) => !inside(h));
  return (
    `${CONFIG_NAMESPACE}:operations.reconcileHourUtc = ${hourUtc}: ${String(hourUtc).padStart(2, "0")}:00 UTC is inside the daily batch window ` +
    `${hhmm(w.start)}–${hhmm(w.end)} UTC (the batch-daily Glue runs start at ${hhmm(w.start)}; the longest, ${w.longest}, may run ${w.timeoutMinutes} min, ` +
    `then its silver MERGE ${MERGE_TIMEOUT_SECONDS / 60} min), when bronze holds rows silver has not merged yet, so reconciliation would report drift that is not there. ` +
    (after === undefined
      ? `Fix: shorten the daily jobs' timeoutMinutes so the window leaves an hour free.`
      : `Fix: set it to ${after}, the first whole hour after the window, or later.`)
  );
}

export function logRetentionProblem(days: number): string | undefined {
  if (CLOUDWATCH_LOG_RETENTION_DAYS.includes(days)) return undefined;
  const { below, above } = nearestLogRetentionDays(days);
  const nearest = [below, above].filter((d) => d !== undefined);
  return (
    `${CONFIG_NAMESPACE}:operations.logRetentionDays = ${days}: CloudWatch Logs keeps log events only ${CLOUDWATCH_LOG_RETENTION_DAYS.join(", ")} days, ` +
    `and refuses anything in between. Fix: use ${nearest.join(" or ")}.`
  );
}

/** EC2 takes a VPC CIDR by its network address; one with host bits set is refused (or silently masked by tools in between). */
export function cidrHostBitsProblem(cidr: string): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) return undefined;
  const bits = Number(m[5]);
  const address = m.slice(1, 5).reduce((a, o) => a * 256 + Number(o), 0);
  const size = 2 ** (32 - bits);
  const network = Math.floor(address / size) * size;
  if (network === address) return undefined;
  const dotted = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
  // The block the address itself starts: the prefix its trailing zero bits allow.
  let own = 32;
  while (own > 0 && address % 2 ** (33 - own) === 0) own--;
  const alternative = own >= bits && own <= 24 ? `, or ${dotted(address)}/${own} if that smaller block is the one meant` : "";
  return (
    `${CONFIG_NAMESPACE}:network.vpcCidr = "${cidr}": host bits are set (a /${bits} network's address ends in ${32 - bits} zero bits), ` +
    `and EC2 takes a VPC's CIDR block by its network address. Fix: set it to ${dotted(network)}/${bits}, the /${bits} network that address is in${alternative}.`
  );
}

/** Owner teams become workgroup and data-source names through teamSlug: each must give a distinct slug of its own. */
export function ownerTeamSlugProblems(ownerGroups: Readonly<Record<string, string>>, reserved: readonly string[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const team of Object.keys(ownerGroups)) {
    const s = teamSlug(team);
    const at = `${CONFIG_NAMESPACE}:quicksight.ownerGroups (team ${JSON.stringify(team)})`;
    if (s === "") {
      problems.push(`${at}: has no letter or digit, so it names no workgroup. Fix: spell the team as the KPI catalog does, e.g. Merchandising.`);
    } else if (seen.has(s)) {
      problems.push(
        `${at}: makes the workgroup suffix "${s}", as "${seen.get(s)}" does, so both would share one workgroup. Fix: keep one spelling of the team.`,
      );
    } else if (reserved.includes(s)) {
      problems.push(`${at}: makes the workgroup suffix "${s}", which the gold layer's own workgroup uses. Fix: rename the team.`);
    }
    seen.set(s, team);
  }
  return problems;
}

/** Owner teams mapped in config that own no KPI in the catalog: their groups would get nothing, and the mapping is dropped unseen. */
export function unusedOwnerTeamsProblem(
  ownerGroups: Readonly<Record<string, string>>,
  kpis: readonly { readonly ownerTeam: string }[],
  catalogFile: string,
): string | undefined {
  const used = new Set(kpis.map((k) => k.ownerTeam));
  const unused = Object.keys(ownerGroups).filter((t) => !used.has(t));
  if (unused.length === 0) return undefined;
  return (
    `${CONFIG_NAMESPACE}:quicksight.ownerGroups: ${unused.map((t) => JSON.stringify(t)).join(", ")} ${unused.length === 1 ? "owns" : "own"} no KPI in ${catalogFile}, ` +
    `so ${unused.length === 1 ? "its group" : "their groups"} would get no data source and the mapping would be ignored. ` +
    `Fix: remove ${unused.length === 1 ? "it" : "them"}, or correct the spelling to the catalog's owner_team (${[...used].sort().join(", ")}).`
  );
}

interface StreamSizing {
  readonly name: string;
  readonly freshnessMinutes: number;
  readonly stream: { readonly peakRecordsPerSecond: number; readonly avgRecordBytes: number; readonly capacityMode: "provisioned" | "on-demand" };
}

/** The shards each provisioned stream gets, sized as the streaming lane sizes them. */
const shardsOf = (s: StreamSizing) => provisionedShards(s.stream);

/** What the configured streams cost a month before any Glue, Athena or QuickSight: shards, PUTs, Firehose and storage. */
export function streamsMonthlyCost(streams: readonly StreamSizing[]): {
  total: number;
  byProduct: { name: string; usd: number; items: CostItem[] }[];
} {
  const byProduct = streams.map((s) => {
    const items = streamLaneCost({
      product: s.name,
      stream: s.name,
      shards: shardsOf(s),
      peakRecordsPerSecond: s.stream.peakRecordsPerSecond,
      avgRecordBytes: s.stream.avgRecordBytes,
      firehose: { name: s.name, bufferingSeconds: firehoseBufferingSeconds(s.freshnessMinutes) },
    });
    return { name: s.name, usd: totalUsd(items), items };
  });
  return { total: totalUsd(byProduct.flatMap((p) => p.items)), byProduct };
}

const usd = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** Streams whose own monthly cost is above the ceiling: refused before any resource, naming the dearest product. */
export function streamCostProblem(streams: readonly StreamSizing[], ceilingUsd: number): string | undefined {
  const { total, byProduct } = streamsMonthlyCost(streams);
  if (total <= ceilingUsd) return undefined;
  const parts = [...byProduct].sort((a, b) => b.usd - a.usd);
  const top = streams.find((s) => s.name === parts[0].name)!;
  return (
    `${CONFIG_NAMESPACE}:monthlyCostCeilingUsd = ${ceilingUsd}: the streams alone are estimated at ${usd(total)} a month ` +
    `(${parts.map((p) => `${p.name} ${usd(p.usd)}`).join(", ")}; core/cost.ts list prices), before Glue, Athena and QuickSight. ` +
    `The dearest, ${top.name}, declares ${top.stream.peakRecordsPerSecond} records/s of ${top.stream.avgRecordBytes} B` +
    `${shardsOf(top) !== undefined ? ` (${shardsOf(top)} shards)` : ""}. ` +
    `Fix: check that product's peakRecordsPerSecond and avgRecordBytes, or raise monthlyCostCeilingUsd if the spend is intended.`
  );
}

/**
 * Provisioned shards over the account's Kinesis shard quota in the Region (advisory: the quota can be raised, but
 * `pulumi up` fails with LimitExceededException until it is). Undefined when within it.
 */
export function shardQuotaAdvisory(streams: readonly StreamSizing[], region: string, quota?: number): string | undefined {
  const shards = streams.map((s) => ({ name: s.name, shards: shardsOf(s) ?? 0 })).filter((s) => s.shards > 0);
  const total = shards.reduce((t, s) => t + s.shards, 0);
  const limit = quota ?? defaultShardQuota(region);
  if (total <= limit) return undefined;
  const source = quota !== undefined ? `${CONFIG_NAMESPACE}:kinesisShardQuota` : `Kinesis's default shard quota in ${region}`;
  return (
    `${CONFIG_NAMESPACE}:dataProducts: ${total} provisioned shards (${shards.map((s) => `${s.name} ${s.shards}`).join(", ")}) exceed ` +
    `${source}, ${limit} shards per account, so creating the streams fails with LimitExceededException. ` +
    `Fix: request a quota increase (Service Quotas, "Shards per Region") and set ${CONFIG_NAMESPACE}:kinesisShardQuota to the new quota, or lower the peak.`
  );
}
