import { withEnvironment } from "./fakes";
import * as assert from "assert";
import { mockClient } from "aws-sdk-client-mock";
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { GetTableMaintenanceJobStatusCommand, S3TablesClient } from "@aws-sdk/client-s3tables";
import { SNSClient } from "@aws-sdk/client-sns";
import { DEFAULT_WINDOW_HOURS } from "../../functions/maintenance";
import { retentionCutoff } from "../../functions/retention";
import { loadSql } from "../../core/sql/files";
import { splitStatements } from "../../core/sql/text";

const athena = mockClient(AthenaClient);
const cloudwatch = mockClient(CloudWatchClient);
const sns = mockClient(SNSClient);
const s3tables = mockClient(S3TablesClient);

const ENVIRONMENT = {
  ATHENA_WORKGROUP: "retail-prod-ops",
  ATHENA_CATALOG: "s3tablescatalog/retail-prod-tables",
  QUERY_DEADLINE_MS: "60000",
  ALARM_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:retail-prod-alarms",
  TABLE_BUCKET_ARN: "arn:aws:s3tables:us-east-1:123456789012:bucket/retail-prod-tables",
};
const STATEMENTS = splitStatements(loadSql("retention/raw_email.sql"));
const ok = { status: "Successful" as const, lastRunTimestamp: new Date() };
const healthy = { icebergCompaction: ok, icebergSnapshotManagement: ok, icebergUnreferencedFileRemoval: ok };
const SETTINGS = {
  tables: ["retail_bronze.cart_events"],
  windowHours: DEFAULT_WINDOW_HOURS,
  retention: { statements: STATEMENTS, retentionDays: 30 },
};

async function coldStart() {
  delete require.cache[require.resolve("../../functions/lambda")];
  return import("../../functions/lambda");
}

describe("raw-email retention in the maintenance function", () => {
  const log = console.log;
  const error = console.error;
  withEnvironment(ENVIRONMENT);
  beforeEach(() => {
    for (const m of [athena, cloudwatch, sns, s3tables]) m.reset();
    // Each statement reports its own count: cart 5, POS 7, loyalty tier 2, unresolved identities deleted 3.
    let n = 0;
    athena.on(StartQueryExecutionCommand).callsFake(() => ({ QueryExecutionId: `q-${++n}` }));
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: "SUCCEEDED" } } });
    const counts: Record<string, number> = { "q-1": 5, "q-2": 7, "q-3": 2, "q-4": 3 };
    athena.on(GetQueryResultsCommand).callsFake((input: { QueryExecutionId: string }) => ({
      ResultSet: { ResultSetMetadata: { ColumnInfo: [] }, Rows: [] },
      UpdateCount: counts[input.QueryExecutionId],
    }));
    cloudwatch.on(PutMetricDataCommand).resolves({});
    s3tables.on(GetTableMaintenanceJobStatusCommand).resolves({ tableARN: "t", status: healthy });
    console.log = () => undefined;
    console.error = () => undefined;
  });
  afterEach(() => {
    console.log = log;
    console.error = error;
  });

  const queries = () => athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);

  it("sends the three UPDATEs and the unresolved-identities DELETE with today minus the retention as cutoff, in the operations workgroup, and reports RowsScrubbed per table", async () => {
    const { maintenanceEntry } = await coldStart();
    const cutoff = retentionCutoff(new Date(), 30);
    const report = await maintenanceEntry(SETTINGS);
    assert.deepStrictEqual(report.retention, {
      cutoff,
      rowsByTable: {
        "retail_bronze.cart_events": 5,
        "retail_bronze.pos_transactions": 7,
        "retail_bronze.loyalty_tier": 2,
        "retail_silver.unresolved_identities": 3,
      },
    });
    assert.strictEqual(queries().length, 4);
    for (const [i, q] of queries().entries()) {
      assert.strictEqual(q.WorkGroup, "retail-prod-ops");
      assert.match(
        q.QueryString!,
        i < 3 ? /^UPDATE retail_bronze\.\w+ SET email = NULL$/m : /^DELETE FROM retail_silver\.unresolved_identities\nWHERE first_seen < /m,
      );
      assert.ok(q.QueryString!.includes(`TIMESTAMP '${cutoff} 00:00:00'`) && !q.QueryString!.includes("{{"));
    }
    const metrics = cloudwatch.commandCalls(PutMetricDataCommand).flatMap((c) => c.args[0].input.MetricData ?? []);
    const scrubbed = metrics.filter((m) => m.MetricName === "RowsScrubbed").map((m) => [m.Dimensions?.[0].Value, m.Value]);
    assert.deepStrictEqual(scrubbed, [
      ["retail_bronze.cart_events", 5],
      ["retail_bronze.pos_transactions", 7],
      ["retail_bronze.loyalty_tier", 2],
      ["retail_silver.unresolved_identities", 3],
    ]);
    assert.strictEqual(s3tables.commandCalls(GetTableMaintenanceJobStatusCommand).length, 1, "the status check still runs");
  });

  it("still checks the tables when an UPDATE fails, then fails the invocation with Athena's reason", async () => {
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: "FAILED", StateChangeReason: "ICEBERG_COMMIT_ERROR" } } });
    const { maintenanceEntry } = await coldStart();
    await assert.rejects(maintenanceEntry(SETTINGS), /ICEBERG_COMMIT_ERROR/);
    assert.strictEqual(s3tables.commandCalls(GetTableMaintenanceJobStatusCommand).length, 1);
  });

  it("sends nothing to Athena when the stack has no email table to scrub", async () => {
    const { maintenanceEntry } = await coldStart();
    const report = await maintenanceEntry({ ...SETTINGS, retention: { statements: [], retentionDays: 30 } });
    assert.strictEqual(queries().length, 0);
    assert.strictEqual(report.retention, undefined);
  });

  it("dates the cutoff from today's UTC midnight, whatever the hour, and refuses a retention that is not whole days", () => {
    assert.strictEqual(retentionCutoff(new Date("2026-07-31T00:00:00Z"), 30), "2026-07-01");
    assert.strictEqual(retentionCutoff(new Date("2026-07-31T23:59:59Z"), 30), "2026-07-01");
    assert.strictEqual(retentionCutoff(new Date("2026-03-01T05:00:00Z"), 7), "2026-02-22");
    assert.throws(() => retentionCutoff(new Date(), 1.5), /retentionDays = 1\.5; give whole days \(retail:privacy\.rawEmailRetentionDays\)/);
  });
});
