import * as assert from "assert";
import { mockClient } from "aws-sdk-client-mock";
import { GetTableCommand, GetTableMaintenanceJobStatusCommand, S3TablesClient } from "@aws-sdk/client-s3tables";
import { DEFAULT_WINDOW_HOURS, MaintenanceFailed, runMaintenance } from "../../functions/maintenance";
import { RecordingAlerts } from "./fakes";

const s3tables = mockClient(S3TablesClient);
const NOW = new Date("2026-07-10T06:30:00Z");
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
const BUCKET = "arn:aws:s3tables:us-east-1:123456789012:bucket/retail-prod-tables";
const healthy = {
  icebergCompaction: { status: "Successful", lastRunTimestamp: hoursAgo(20) },
  icebergSnapshotManagement: { status: "Successful", lastRunTimestamp: hoursAgo(10) },
  icebergUnreferencedFileRemoval: { status: "Successful", lastRunTimestamp: hoursAgo(30) },
} as const;

function run(tables: string[]) {
  const alerts = new RecordingAlerts();
  const result = runMaintenance(
    { tableBucketArn: BUCKET, tables, windowHours: DEFAULT_WINDOW_HOURS },
    { s3tables: new S3TablesClient({}), alerts, now: () => NOW },
  );
  return { alerts, result };
}

const forTable = (name: string) => ({ tableBucketARN: BUCKET, namespace: "retail_silver", name });

describe("maintenance check", () => {
  beforeEach(() => s3tables.reset());

  it("is quiet when every job ran successfully within its window", async () => {
    s3tables.on(GetTableMaintenanceJobStatusCommand).resolves({ tableARN: "t", status: healthy });
    const { alerts, result } = run(["retail_silver.cart_events", "retail_silver.order_events"]);
    assert.deepStrictEqual((await result).problems, []);
    assert.deepStrictEqual(alerts.messages, []);
    assert.strictEqual(alerts.metric("MaintenanceProblems"), 0);
    assert.strictEqual(alerts.metric("HoursSinceMaintenance", ["Job", "icebergCompaction"]), 20);
    assert.deepStrictEqual(s3tables.commandCalls(GetTableMaintenanceJobStatusCommand)[0].args[0].input, forTable("cart_events"));
  });

  it("alerts on a failed job, a disabled job and an overdue job in one message", async () => {
    s3tables.on(GetTableMaintenanceJobStatusCommand, forTable("cart_events")).resolves({
      tableARN: "t",
      status: { ...healthy, icebergCompaction: { status: "Failed", lastRunTimestamp: hoursAgo(2), failureMessage: "AccessDenied on KMS key" } },
    });
    s3tables.on(GetTableMaintenanceJobStatusCommand, forTable("order_events")).resolves({
      tableARN: "t",
      status: {
        ...healthy,
        icebergSnapshotManagement: { status: "Successful", lastRunTimestamp: hoursAgo(72) },
        icebergUnreferencedFileRemoval: { status: "Disabled" },
      },
    });
    const { alerts, result } = run(["retail_silver.cart_events", "retail_silver.order_events"]);
    const problems = (await result).problems.map((p) => `${p.table} ${p.job}: ${p.problem}`);
    assert.deepStrictEqual(problems, [
      "retail_silver.cart_events icebergCompaction: failed: AccessDenied on KMS key",
      "retail_silver.order_events icebergSnapshotManagement: last run 72 h ago (window 48 h)",
      "retail_silver.order_events icebergUnreferencedFileRemoval: disabled; the platform relies on it",
    ]);
    assert.strictEqual(alerts.messages.length, 1);
    for (const p of problems) assert.ok(alerts.messages[0].message.includes(p));
    assert.strictEqual(alerts.metric("MaintenanceProblems"), 3);
  });

  it("forgives a job that has not run yet on a new table, not on an old one", async () => {
    const notYet = { ...healthy, icebergCompaction: { status: "Not_Yet_Run" as const } };
    s3tables.on(GetTableMaintenanceJobStatusCommand).resolves({ tableARN: "t", status: notYet });
    s3tables.on(GetTableCommand, forTable("cart_events")).resolves({ createdAt: hoursAgo(5) } as never);
    s3tables.on(GetTableCommand, forTable("order_events")).resolves({ createdAt: hoursAgo(500) } as never);
    const { alerts, result } = run(["retail_silver.cart_events", "retail_silver.order_events"]);
    // cart_events is 5 h old, inside compaction's 168-h window; order_events is 500 h old, past it.
    assert.deepStrictEqual((await result).problems, [
      { table: "retail_silver.order_events", job: "icebergCompaction", problem: "never run, table is 500 h old (window 168 h)" },
    ]);
    assert.match(alerts.messages[0].message, /^retail_silver\.order_events icebergCompaction: never run, table is 500 h old \(window 168 h\)$/m);
  });

  it("reports a job that has not run on a table whose age S3 Tables does not say, as overdue with the age unknown", async () => {
    const notYet = { ...healthy, icebergCompaction: { status: "Not_Yet_Run" as const } };
    s3tables.on(GetTableMaintenanceJobStatusCommand).resolves({ tableARN: "t", status: notYet });
    s3tables.on(GetTableCommand).resolves({} as never);
    const { result } = run(["retail_silver.cart_events"]);
    assert.deepStrictEqual((await result).problems, [
      { table: "retail_silver.cart_events", job: "icebergCompaction", problem: "never run, table age unknown (window 168 h)" },
    ]);
  });

  it("reports a job the status omits", async () => {
    const { icebergUnreferencedFileRemoval: _omitted, ...withoutRemoval } = healthy;
    s3tables.on(GetTableMaintenanceJobStatusCommand).resolves({ tableARN: "t", status: withoutRemoval });
    const { alerts, result } = run(["retail_silver.cart_events"]);
    assert.deepStrictEqual((await result).problems, [
      { table: "retail_silver.cart_events", job: "icebergUnreferencedFileRemoval", problem: "no status reported" },
    ]);
    assert.strictEqual(alerts.metric("MaintenanceProblems"), 1);
  });

  it("reports a 'Successful' job with no last run time as overdue, with the time unknown", async () => {
    s3tables.on(GetTableMaintenanceJobStatusCommand).resolves({
      tableARN: "t",
      status: { ...healthy, icebergSnapshotManagement: { status: "Successful" } },
    });
    const { alerts, result } = run(["retail_silver.cart_events"]);
    const report = await result;
    assert.deepStrictEqual(report.problems, [
      { table: "retail_silver.cart_events", job: "icebergSnapshotManagement", problem: "last run unknown (window 48 h)" },
    ]);
    // With no timestamp there is no hours-since figure to publish for that job.
    assert.deepStrictEqual(Object.keys(report.hoursSinceRun["retail_silver.cart_events"]).sort(), [
      "icebergCompaction",
      "icebergUnreferencedFileRemoval",
    ]);
    assert.strictEqual(alerts.metric("MaintenanceProblems"), 1);
  });

  it("reports a table whose status cannot be read with the others, then fails the run", async () => {
    s3tables.on(GetTableMaintenanceJobStatusCommand, forTable("cart_events")).rejects(new Error("AccessDeniedException"));
    s3tables.on(GetTableMaintenanceJobStatusCommand, forTable("order_events")).resolves({
      tableARN: "t",
      status: { ...healthy, icebergCompaction: { status: "Failed", failureMessage: "boom" } },
    });
    const { alerts, result } = run(["retail_silver.cart_events", "retail_silver.order_events"]);
    await assert.rejects(result, MaintenanceFailed);
    assert.match(alerts.messages[0].message, /retail_silver.cart_events status: status unavailable: AccessDeniedException/);
    assert.match(alerts.messages[0].message, /retail_silver.order_events icebergCompaction: failed: boom/);
  });
});
