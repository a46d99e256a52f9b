// A program that builds only what Operations needs, for the component test under mocks.
import { IcebergNamespace } from "../../components/icebergNamespace";
import { Operations } from "../../components/operations";
import { loadTableDefs } from "../../core/tables";
import { ARNS } from "./arns";

const stream = (name: string, freshnessMinutes: number) =>
  ({
    name,
    sourceSystem: "x",
    semantics: "event",
    freshnessMinutes,
    lane: "stream",
    stream: { peakRecordsPerSecond: 100, avgRecordBytes: 100, capacityMode: "on-demand" },
  }) as const;
const batch = (name: string, semantics: "event" | "snapshot", lane: "batch-hourly" | "batch-daily", timeoutMinutes: number) =>
  ({
    name,
    sourceSystem: "x",
    semantics,
    freshnessMinutes: lane === "batch-daily" ? 1440 : 60,
    lane,
    batch: { sourceKind: "s3", sourceUri: `s3://x-exports/${name}/`, workers: 2, timeoutMinutes },
  }) as const;

const streams = [stream("cart_events", 5), stream("pos_transactions", 10)];
const batches = [
  batch("erp_inventory", "snapshot", "batch-daily", 120),
  batch("loyalty_tier", "snapshot", "batch-daily", 60),
  batch("loyalty_redemptions", "event", "batch-hourly", 30),
];
const products = [...streams, ...batches].map((p) => p.name);

const lakehouse = new IcebergNamespace("retail-prod", {
  tables: [...loadTableDefs().values()].filter((t) => t.namespace === "retail_silver" || products.includes(t.name)),
  kmsKeyArn: ARNS.key,
  maxSnapshotAgeHours: 120,
  protect: false,
});

const operations = new Operations("retail-prod-ops", {
  lakehouse,
  alarmTopicArn: ARNS.topic,
  kmsKeyArn: ARNS.key,
  athenaWorkgroupName: "retail-prod-ops",
  athenaWorkgroupArn: ARNS.workgroup,
  athenaResultsBucketArn: ARNS.results,
  athenaResultsPrefix: "operations/",
  saltSecretArn: ARNS.salt,
  batchJobNames: Object.fromEntries(batches.map((b) => [b.name, `retail-prod-${b.name.replace(/_/g, "-")}-job`])),
  kpiFreshnessBudgetMinutes: { conversion_rate: 22, inventory_fill_rate: 1800 },
  products: [
    ...streams.map((s) => ({ name: s.name, lane: s.lane, freshnessMinutes: s.freshnessMinutes })),
    ...batches.map((b) => ({ name: b.name, lane: b.lane, timeoutMinutes: b.batch.timeoutMinutes })),
  ],
  goldChannelMode: "omnichannel",
  reconcile: { tolerance: 0.001, hourUtc: 6 },
  logRetentionDays: 90,
});

export const reconciledTables = operations.reconciledTables;
