import { BATCH_CADENCE_MINUTES, BATCH_SCHEDULE } from "./lanes";
import { refreshWindowOf } from "./refreshWindow";
import { parseProducts, TAG } from "./tags";

/**
 * A monthly cost estimate from what the program declares: recorded resources' inputs and `retail:` tags.
 * Every unit price and every assumption is data in this module, listed in the report next to the number it
 * drives, so a reviewer can challenge one line rather than a total. Prices are us-east-1 list prices.
 */

export interface CostInput {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly inputs: Record<string, any>;
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

export interface CostItem {
  readonly service: string;
  readonly resource: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitUsd: number;
  readonly monthlyUsd: number;
  readonly basis: string;
}

export interface CostEstimate {
  readonly monthlyUsd: number;
  readonly items: CostItem[];
  readonly prices: typeof PRICES;
  readonly assumptions: typeof ASSUMPTIONS;
  /** What each SPICE dataset's refreshes scan at the declared volume (their Athena cost is among the items). */
  readonly refreshes: RefreshScan[];
}

export const PRICES = {
  kinesisShardHour: { usd: 0.015, unit: "shard-hour", source: "Kinesis Data Streams, provisioned mode" },
  kinesisPutUnitsMillion: { usd: 0.014, unit: "million PUT payload units (25 KB each)", source: "Kinesis Data Streams, provisioned mode" },
  firehoseIngestGb: { usd: 0.029, unit: "GB ingested (records rounded up to 5 KB)", source: "Amazon Data Firehose, Kinesis source, first 500 TB" },
  s3TablesStorageGbMonth: { usd: 0.0265, unit: "GB-month", source: "S3 Tables storage, first 50 TB" },
  s3TablesPutThousand: { usd: 0.005, unit: "thousand PUT requests", source: "S3 Tables requests" },
  s3TablesCompactionGb: { usd: 0.05, unit: "GB compacted", source: "S3 Tables compaction, data processed" },
  glueDpuHour: { usd: 0.44, unit: "DPU-hour", source: "AWS Glue Spark job (G.1X = 1 DPU per worker)" },
  athenaTbScanned: { usd: 5, unit: "TB scanned", source: "Athena SQL queries" },
  spiceGbMonth: { usd: 0.38, unit: "GB-month", source: "QuickSight SPICE capacity beyond the included allotment" },
} as const;

export const ASSUMPTIONS = {
  averageToPeak: { value: 0.25, text: "sustained average load is 25 % of the declared peak records/s" },
  columnarRatio: { value: 0.2, text: "Iceberg/Parquet stores a record in 20 % of its JSON size" },
  layersStored: { value: 2, text: "each streamed record is stored twice (bronze and silver)" },
  glueRunFraction: { value: 1, text: "each Glue run lasts its whole timeout (an upper bound)" },
  athenaQueriesPerDay: {
    value: 50,
    text: "each Athena workgroup runs 50 queries a day besides the SPICE refreshes itemised per dataset, each scanning up to its cutoff (an upper bound)",
  },
  refreshReadsWholeDays: {
    value: 1,
    text: "a SPICE refresh reads every column of one day of silver per source product per day of its window (an upper bound: Athena reads only the columns a view selects)",
  },
  spiceBytesPerRow: { value: 500, text: "a SPICE row takes 500 bytes" },
} as const;

const HOURS_PER_MONTH = 730;
const SECONDS_PER_DAY = 86_400;
const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
const GB = 1024 ** 3;
const TB = 1024 ** 4;

function tags(r: CostInput): Record<string, string> {
  const t = r.inputs.tags;
  if (Array.isArray(t)) return Object.fromEntries(t.map((x: { key: string; value: string }) => [x.key, x.value]));
  return (t as Record<string, string>) ?? {};
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function item(service: string, resource: string, quantity: number, price: { usd: number; unit: string }, basis: string): CostItem {
  return { service, resource, quantity: round2(quantity), unit: price.unit, unitUsd: price.usd, monthlyUsd: round2(quantity * price.usd), basis };
}

/** One streaming lane as its resources declare it: the stream, its Firehose and the declared peak. */
export interface StreamLaneLoad {
  readonly product: string;
  readonly stream: string;
  /** Provisioned shards; undefined for an on-demand stream. */
  readonly shards?: number;
  readonly peakRecordsPerSecond?: number;
  readonly avgRecordBytes?: number;
  /** The Firehose delivering the stream to bronze, and its buffering interval in seconds. */
  readonly firehose?: { readonly name: string; readonly bufferingSeconds: number };
}

/** What one streaming lane costs a month: shard-hours, PUT units, Firehose ingest and the S3 Tables it writes. */
export function streamLaneCost(lane: StreamLaneLoad): CostItem[] {
  const out: CostItem[] = [];
  if (lane.shards) {
    out.push(item("Kinesis", lane.stream, lane.shards * HOURS_PER_MONTH, PRICES.kinesisShardHour, `${lane.shards} shards × ${HOURS_PER_MONTH} h`));
  }
  const peak = lane.peakRecordsPerSecond ?? 0;
  const bytes = lane.avgRecordBytes ?? 0;
  if (!(peak > 0) || !(bytes > 0)) return out;
  const recordsPerSecond = peak * ASSUMPTIONS.averageToPeak.value;
  const units = (recordsPerSecond * Math.ceil(bytes / (25 * 1024)) * SECONDS_PER_MONTH) / 1e6;
  out.push(item("Kinesis", lane.stream, units, PRICES.kinesisPutUnitsMillion, `${recordsPerSecond} records/s sustained`));
  if (!lane.firehose) return out;
  const ingestedGb = (recordsPerSecond * Math.ceil(bytes / 5120) * 5120 * SECONDS_PER_MONTH) / GB;
  out.push(
    item("Firehose", lane.firehose.name, ingestedGb, PRICES.firehoseIngestGb, `${recordsPerSecond} records/s of ${bytes} B, billed in 5 KB steps`),
  );
  const storedGb = ((dailyLayerBytes(peak, bytes) * SECONDS_PER_MONTH) / SECONDS_PER_DAY / GB) * ASSUMPTIONS.layersStored.value;
  out.push(item("S3 Tables", `${lane.product} (bronze+silver)`, storedGb, PRICES.s3TablesStorageGbMonth, "one month of data, columnar, two layers"));
  out.push(item("S3 Tables", `${lane.product} (compaction)`, storedGb, PRICES.s3TablesCompactionGb, "every stored byte compacted once"));
  const interval = lane.firehose.bufferingSeconds;
  out.push(
    item(
      "S3 Tables",
      `${lane.product} (Firehose commits)`,
      SECONDS_PER_MONTH / interval / 1000,
      PRICES.s3TablesPutThousand,
      `one commit per ${interval} s buffer`,
    ),
  );
  return out;
}

/**
 * Bytes one day of a streamed product takes in one layer (bronze or silver): the sustained share of its declared peak,
 * times its record size, times a day, columnar. At prod's 8,000 records/s of 1 KiB cart events: about 33 GiB a day.
 */
export function dailyLayerBytes(peakRecordsPerSecond: number, avgRecordBytes: number): number {
  return peakRecordsPerSecond * ASSUMPTIONS.averageToPeak.value * avgRecordBytes * SECONDS_PER_DAY * ASSUMPTIONS.columnarRatio.value;
}

/**
 * Bytes one full refresh of a window scans: its days times the daily silver bytes of each product the view reads.
 * Products with no declared volume (batch lanes declare none) are returned as `uncounted`, never silently taken as 0.
 */
export function refreshScanBytes(
  windowDays: number,
  products: readonly string[],
  bytesPerDay: ReadonlyMap<string, number>,
): { bytes: number; bytesPerDay: number; uncounted: string[] } {
  const counted = products.filter((p) => bytesPerDay.has(p));
  const perDay = counted.reduce((t, p) => t + bytesPerDay.get(p)!, 0) * ASSUMPTIONS.refreshReadsWholeDays.value;
  return { bytes: windowDays * perDay, bytesPerDay: perDay, uncounted: products.filter((p) => !bytesPerDay.has(p)) };
}

/** The sum of some items, to the cent. */
export const totalUsd = (items: readonly CostItem[]) => round2(items.reduce((t, i) => t + i.monthlyUsd, 0));

function streamItems(resources: readonly CostInput[]): CostItem[] {
  return resources
    .filter((r) => r.type === "aws:kinesis/stream:Stream")
    .flatMap((s) => {
      const t = tags(s);
      const product = t[TAG.dataProduct];
      const firehose = resources.find(
        (f) => f.type === "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream" && product && tags(f)[TAG.dataProduct] === product,
      );
      const onDemand = s.inputs.streamModeDetails?.streamMode === "ON_DEMAND";
      return streamLaneCost({
        product,
        stream: s.name,
        shards: onDemand ? undefined : Number(s.inputs.shardCount) || undefined,
        peakRecordsPerSecond: Number(t[TAG.peakRecordsPerSecond]),
        avgRecordBytes: Number(t[TAG.avgRecordBytes]),
        firehose: firehose && { name: firehose.name, bufferingSeconds: Number(firehose.inputs.icebergConfiguration?.bufferingInterval) || 300 },
      });
    });
}

function runsPerDay(schedule: string | undefined): number | undefined {
  const lane = (Object.keys(BATCH_SCHEDULE) as (keyof typeof BATCH_SCHEDULE)[]).find((l) => BATCH_SCHEDULE[l] === schedule);
  return lane ? 1440 / BATCH_CADENCE_MINUTES[lane] : undefined;
}

function glueItems(resources: readonly CostInput[]): CostItem[] {
  const triggers = resources.filter((r) => r.type === "aws:glue/trigger:Trigger");
  return resources
    .filter((r) => r.type === "aws:glue/job:Job")
    .map((job) => {
      const trigger = triggers.find((t) => (t.propertyDependencies?.["actions"] ?? []).includes(job.urn));
      const perDay = runsPerDay(trigger?.inputs.schedule) ?? 1;
      const workers = Number(job.inputs.numberOfWorkers) || 2;
      const hours = ((Number(job.inputs.timeout) || 60) / 60) * ASSUMPTIONS.glueRunFraction.value;
      const dpuHours = workers * hours * perDay * 30;
      return item("Glue", job.name, dpuHours, PRICES.glueDpuHour, `${workers} DPU × ${round2(hours)} h × ${perDay} runs/day × 30 days`);
    });
}

function athenaItems(resources: readonly CostInput[]): CostItem[] {
  return resources
    .filter((r) => r.type === "aws:athena/workgroup:Workgroup")
    .flatMap((wg) => {
      const cutoff = Number(wg.inputs.configuration?.bytesScannedCutoffPerQuery);
      if (!(cutoff > 0)) return [];
      const tb = (cutoff * ASSUMPTIONS.athenaQueriesPerDay.value * 30) / TB;
      return [
        item(
          "Athena",
          wg.name,
          tb,
          PRICES.athenaTbScanned,
          `${ASSUMPTIONS.athenaQueriesPerDay.value} queries/day at the ${round2(cutoff / GB)} GiB cutoff`,
        ),
      ];
    });
}

/**
 * Daily silver bytes of each product a Kinesis stream declares (peak and record size tags), by product; two streams
 * tagged with one product add up, as the spice-refresh-within-cutoff rule sizes them.
 */
export function streamedBytesPerDay(resources: readonly CostInput[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of resources.filter((r) => r.type === "aws:kinesis/stream:Stream")) {
    const t = tags(s);
    const peak = Number(t[TAG.peakRecordsPerSecond]);
    const bytes = Number(t[TAG.avgRecordBytes]);
    const product = t[TAG.dataProduct];
    if (product && peak > 0 && bytes > 0) out.set(product, (out.get(product) ?? 0) + dailyLayerBytes(peak, bytes));
  }
  return out;
}

export interface RefreshRun {
  readonly schedule: string;
  readonly refreshType: string;
  readonly perMonth: number;
  /** Days one run reads: the window for a full refresh, the lookback for an incremental one. */
  readonly days: number;
  readonly bytesPerRun: number;
}

export interface RefreshScan {
  readonly dataset: string;
  readonly kpi?: string;
  readonly windowDays: number;
  readonly products: readonly string[];
  /** Source products with no declared volume, not in the bytes. */
  readonly uncounted: readonly string[];
  readonly bytesPerDay: number;
  /** One full refresh: the whole window. */
  readonly bytesPerRefresh: number;
  readonly runs: readonly RefreshRun[];
  readonly bytesPerMonth: number;
}

const RUNS_PER_MONTH: Record<string, number> = { MINUTE15: 30 * 96, MINUTE30: 30 * 48, HOURLY: 30 * 24, DAILY: 30, WEEKLY: 30 / 7, MONTHLY: 1 };

/**
 * What each SPICE dataset's scheduled refreshes scan a month: a full refresh reads its window (read back from its
 * SQL), an incremental one its lookback, each at the daily silver volume of the products its view reads.
 * A dataset whose SQL has no window the model can read is left out here; the policy pack reports it.
 */
export function refreshScans(resources: readonly CostInput[]): RefreshScan[] {
  const perDay = streamedBytesPerDay(resources);
  const schedules = resources.filter((r) => r.type === "aws:quicksight/refreshSchedule:RefreshSchedule");
  return resources
    .filter((r) => r.type === "aws:quicksight/dataSet:DataSet" && r.inputs.importMode === "SPICE")
    .flatMap((ds) => {
      const sql = (ds.inputs.physicalTableMaps ?? []).map((m: { customSql?: { sqlQuery?: string } }) => m.customSql?.sqlQuery).find(Boolean);
      const window = typeof sql === "string" ? refreshWindowOf(sql) : undefined;
      if (!window) return [];
      const t = tags(ds);
      const products = parseProducts(t[TAG.sourceProducts] ?? "");
      const scan = refreshScanBytes(window.days, products, perDay);
      const lookback = Number(ds.inputs.refreshProperties?.refreshConfiguration?.incrementalRefresh?.lookbackWindow?.size) || window.days;
      const runs = schedules
        .filter((s) => s.inputs.dataSetId === ds.inputs.dataSetId)
        .map((s): RefreshRun => {
          const refreshType = String(s.inputs.schedule?.refreshType);
          const days = refreshType === "INCREMENTAL_REFRESH" ? Math.min(lookback, window.days) : window.days;
          return {
            schedule: s.name,
            refreshType,
            perMonth: RUNS_PER_MONTH[String(s.inputs.schedule?.scheduleFrequency?.interval)] ?? 0,
            days,
            bytesPerRun: days * scan.bytesPerDay,
          };
        });
      return [
        {
          dataset: ds.name,
          kpi: t[TAG.kpi],
          windowDays: window.days,
          products,
          uncounted: scan.uncounted,
          bytesPerDay: scan.bytesPerDay,
          bytesPerRefresh: scan.bytes,
          runs,
          bytesPerMonth: runs.reduce((total, r) => total + r.perMonth * r.bytesPerRun, 0),
        },
      ];
    });
}

const gib = (bytes: number) => `${round2(bytes / GB)} GiB`;

function refreshItems(scans: readonly RefreshScan[]): CostItem[] {
  return scans.flatMap((s) =>
    s.runs.map((r) =>
      item(
        "Athena",
        r.schedule,
        (r.perMonth * r.bytesPerRun) / TB,
        PRICES.athenaTbScanned,
        `${round2(r.perMonth)} ${r.refreshType === "INCREMENTAL_REFRESH" ? "incremental" : "full"} refreshes/month × ${gib(r.bytesPerRun)} ` +
          `(${r.days} days × ${gib(s.bytesPerDay)}/day of ${s.products.filter((p) => !s.uncounted.includes(p)).join(", ") || "no declared volume"}` +
          `${s.uncounted.length ? `; not counted: ${s.uncounted.join(", ")}, no declared volume` : ""})`,
      ),
    ),
  );
}

function spiceItems(resources: readonly CostInput[]): CostItem[] {
  return resources
    .filter((r) => r.type === "aws:quicksight/dataSet:DataSet" && r.inputs.importMode === "SPICE")
    .flatMap((ds) => {
      const rows = Number(tags(ds)[TAG.expectedRows]);
      if (!(rows > 0)) return [];
      return [item("QuickSight", ds.name, (rows * ASSUMPTIONS.spiceBytesPerRow.value) / GB, PRICES.spiceGbMonth, `${rows} expected rows`)];
    });
}

export function estimateCost(resources: readonly CostInput[]): CostEstimate {
  const refreshes = refreshScans(resources);
  const items = [...streamItems(resources), ...glueItems(resources), ...athenaItems(resources), ...refreshItems(refreshes), ...spiceItems(resources)];
  return { monthlyUsd: totalUsd(items), items, prices: PRICES, assumptions: ASSUMPTIONS, refreshes };
}
