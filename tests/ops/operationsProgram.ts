// A program that builds only what Operations needs, for the component test under mocks.
import { IcebergNamespace } from "../../components/icebergNamespace";
import { Operations } from "../../components/operations";
import { loadTableDefs } from "../../infra/tables";
import { ARNS } from "./arns";


const streams = ["cart_events", "pos_transactions"];
const lakehouse = new IcebergNamespace("retail-prod", {
  tables: [...loadTableDefs().values()].filter((t) => t.namespace === "retail_silver" || streams.includes(t.name)),
  kmsKeyArn: ARNS.key,
  maxSnapshotAgeHours: 120,
  protect: false,
});

const stream = (name: string, freshnessMinutes: number) =>
  ({
    name,
    sourceSystem: "x",
    semantics: "event",
    freshnessMinutes,
    lane: "stream",
    stream: { peakRecordsPerSecond: 100, avgRecordBytes: 100, capacityMode: "on-demand" },
  }) as const;

const operations = new Operations("retail-prod-ops", {
  lakehouse,
  alarmTopicArn: ARNS.topic,
  kmsKeyArn: ARNS.key,
  athenaWorkgroupName: "retail-prod-ops",
  athenaWorkgroupArn: ARNS.workgroup,
  athenaResultsBucketArn: ARNS.results,
  saltSecretArn: ARNS.salt,
  kpiFreshnessBudgetMinutes: { conversion_rate: 22, inventory_fill_rate: 1800 },
  config: {
    streams: [stream("cart_events", 5), stream("pos_transactions", 10)],
    operations: { reconcileTolerance: 0.001, reconcileHourUtc: 6, logRetentionDays: 90 },
    goldChannelMode: "omnichannel",
  },
});

export const reconciledTables = operations.reconciledTables;
