// Operations with a streaming product that has no merge SQL: the component must refuse it, as a ResourceError.
import { IcebergNamespace } from "../../components/icebergNamespace";
import { Operations } from "../../components/operations";
import { loadTableDefs } from "../../core/tables";
import { ARNS } from "./arns";

const lakehouse = new IcebergNamespace("retail-bad", {
  tables: [...loadTableDefs().values()].filter((t) => t.namespace === "retail_silver"),
  kmsKeyArn: ARNS.key,
  maxSnapshotAgeHours: 120,
  protect: false,
});

new Operations("retail-bad-ops", {
  lakehouse,
  alarmTopicArn: ARNS.topic,
  kmsKeyArn: ARNS.key,
  athenaWorkgroupName: "retail-bad-ops",
  athenaWorkgroupArn: ARNS.workgroup,
  athenaResultsBucketArn: ARNS.results,
  athenaResultsPrefix: "operations/",
  saltSecretArn: ARNS.salt,
  batchJobNames: {},
  kpiFreshnessBudgetMinutes: {},
  products: [{ name: "clickstream", lane: "stream", freshnessMinutes: 5 }],
  goldChannelMode: "omnichannel",
  reconcile: { tolerance: 0.001, hourUtc: 6 },
  logRetentionDays: 30,
});
