import { withEnvironment } from "./fakes";
import * as assert from "assert";
import { mockClient } from "aws-sdk-client-mock";
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { SNSClient } from "@aws-sdk/client-sns";
import { MergeSettings } from "../../functions/merge";
import { loadSql } from "../../core/sql/files";
import { splitStatements } from "../../core/sql/text";
import { RERESOLVE_APPLY_FILES, RERESOLVE_CLEANUP_FILE, RERESOLVE_PENDING_FILE, reresolveHorizonStart } from "../../core/reresolve";

const athena = mockClient(AthenaClient);
const cloudwatch = mockClient(CloudWatchClient);
const sns = mockClient(SNSClient);

const ENVIRONMENT = {
  ATHENA_WORKGROUP: "retail-prod-ops",
  ATHENA_CATALOG: "s3tablescatalog/retail-prod-tables",
  QUERY_DEADLINE_MS: "60000",
  ALARM_TOPIC_ARN: "arn:aws:sns:eu-west-1:123456789012:retail-prod-alarms",
};

/** The real SQL, as components/operations/plan.ts ships it in the merge function's settings. */
const SETTINGS: MergeSettings = {
  products: { pos_transactions: { sql: loadSql("merge/pos_transactions.sql"), lookbackMinutes: 30, refreshesBridge: true } },
  bridgeSql: loadSql("bridge/identity_bridge.sql"),
  reresolve: {
    pending: loadSql(RERESOLVE_PENDING_FILE),
    apply: RERESOLVE_APPLY_FILES.map((f) => loadSql(f)),
    cleanup: splitStatements(loadSql(RERESOLVE_CLEANUP_FILE)),
    horizonDays: 30,
  },
};
const EVENT = { product: "pos_transactions", scheduledTime: "2026-07-01T10:00:00Z" };

async function coldStart() {
  delete require.cache[require.resolve("../../functions/lambda")];
  return import("../../functions/lambda");
}

type Answer = { kind: "count"; n: number } | { kind: "pending"; pending: number; first: string | null; last: string | null };

describe("merge function: re-resolution after a bridge refresh (sql/reresolve/ through Athena)", () => {
  const log = console.log;
  let bridgeCount: number;
  let pending: Answer & { kind: "pending" };
  let sent: string[];
  withEnvironment(ENVIRONMENT);
  beforeEach(() => {
    for (const m of [athena, cloudwatch, sns]) m.reset();
    bridgeCount = 4;
    pending = { kind: "pending", pending: 3, first: "2026-06-28", last: "2026-06-30" };
    sent = [];
    const answers = new Map<string, Answer>();
    athena.on(StartQueryExecutionCommand).callsFake((input: { QueryString: string }) => {
      const id = `q-${sent.length + 1}`;
      sent.push(input.QueryString);
      const q = input.QueryString;
      const answer: Answer = q.includes("AS pending")
        ? pending
        : /^MERGE INTO retail_silver\.identity_bridge/m.test(q)
          ? { kind: "count", n: bridgeCount }
          : /^MERGE INTO retail_silver\.(cart|order)_events AS t\nUSING \(\n {2}WITH\n {2}-- The email hashes/m.test(q)
            ? { kind: "count", n: q.includes("retail_silver.cart_events AS t") ? 2 : 5 }
            : { kind: "count", n: 1 };
      answers.set(id, answer);
      return { QueryExecutionId: id };
    });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: "SUCCEEDED" } } });
    athena.on(GetQueryResultsCommand).callsFake((input: { QueryExecutionId: string }) => {
      const a = answers.get(input.QueryExecutionId)!;
      if (a.kind === "count") return { ResultSet: { ResultSetMetadata: { ColumnInfo: [] }, Rows: [] }, UpdateCount: a.n };
      const columns = [
        { Name: "pending", Type: "bigint" },
        { Name: "first_day", Type: "varchar" },
        { Name: "last_day", Type: "varchar" },
      ];
      const cell = (v: string | null) => (v === null ? {} : { VarCharValue: v });
      return {
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: columns },
          Rows: [{ Data: columns.map((c) => ({ VarCharValue: c.Name })) }, { Data: [cell(String(a.pending)), cell(a.first), cell(a.last)] }],
        },
      };
    });
    cloudwatch.on(PutMetricDataCommand).resolves({});
    console.log = () => undefined;
  });
  afterEach(() => {
    console.log = log;
  });

  const reresolveStatements = () =>
    sent.filter((q) => /reresolve|AS pending|unresolved_identities WHERE event_ts </.test(q) && !q.includes("retail_bronze"));
  const metrics = () => cloudwatch.commandCalls(PutMetricDataCommand).flatMap((c) => c.args[0].input.MetricData ?? []);

  it("after a bridge that changed rows: finds the pending rows, updates only their days' partitions, cleans up, and counts RowsReresolved per table", async () => {
    const { mergeEntry } = await coldStart();
    const report = await mergeEntry(EVENT, SETTINGS);
    assert.deepStrictEqual(report.rowsReresolved, { "retail_silver.cart_events": 2, "retail_silver.order_events": 5 });
    const bridgeAt = sent.findIndex((q) => /^MERGE INTO retail_silver\.identity_bridge/m.test(q));
    const pendingAt = sent.findIndex((q) => q.includes("AS pending"));
    const firstMerge = sent.findIndex((q) => q.includes("FROM retail_bronze.pos_transactions AS b"));
    assert.ok(bridgeAt < pendingAt && pendingAt < firstMerge, "bridge, then the re-resolution, then the window's own statements");
    const horizon = "2026-06-01 00:00:00";
    assert.strictEqual(reresolveHorizonStart(new Date(EVENT.scheduledTime), 30).toISOString(), "2026-06-01T00:00:00.000Z");
    assert.ok(sent[pendingAt].includes(`u.event_ts >= TIMESTAMP '${horizon}'`));
    const updates = sent.slice(pendingAt + 1, pendingAt + 3);
    assert.deepStrictEqual(
      updates.map((q) => /^MERGE INTO (\S+)/m.exec(q)?.[1]),
      ["retail_silver.cart_events", "retail_silver.order_events"],
    );
    for (const q of updates) {
      // The side rows' days, 2026-06-28 .. 2026-06-30, bound the silver partitions read: not the whole horizon.
      assert.ok(q.includes("t.event_ts >= TIMESTAMP '2026-06-28 00:00:00' AND t.event_ts < TIMESTAMP '2026-07-01 00:00:00'"), q);
      assert.match(q, /WHEN MATCHED AND t\.loyalty_id IS NULL THEN UPDATE SET loyalty_id = s\.loyalty_id/);
      assert.ok(!q.includes("{{"));
    }
    const cleanup = sent.slice(pendingAt + 3, pendingAt + 5);
    assert.match(cleanup[0], /^MERGE INTO retail_silver\.unresolved_identities AS t[\s\S]*WHEN MATCHED THEN DELETE/m);
    assert.ok(cleanup[1].includes(`DELETE FROM retail_silver.unresolved_identities WHERE event_ts < TIMESTAMP '${horizon}'`));
    const reresolved = metrics()
      .filter((m) => m.MetricName === "RowsReresolved")
      .map((m) => [m.Dimensions?.find((d) => d.Name === "Table")?.Value, m.Value]);
    assert.deepStrictEqual(reresolved, [
      ["retail_silver.cart_events", 2],
      ["retail_silver.order_events", 5],
    ]);
    assert.ok(!("retail_silver.unresolved_identities" in report.rowsReresolved), "the side table's cleanup is not re-resolved rows");
  });

  it("sends no re-resolution when the bridge refresh changed no row", async () => {
    bridgeCount = 0;
    const { mergeEntry } = await coldStart();
    const report = await mergeEntry(EVENT, SETTINGS);
    assert.deepStrictEqual(reresolveStatements(), []);
    assert.deepStrictEqual(report.rowsReresolved, {});
    assert.strictEqual(metrics().filter((m) => m.MetricName === "RowsReresolved").length, 0);
  });

  it("with nothing pending, reads no silver partition: only the pending query and the side table's cleanup run", async () => {
    pending = { kind: "pending", pending: 0, first: null, last: null };
    const { mergeEntry } = await coldStart();
    const report = await mergeEntry(EVENT, SETTINGS);
    assert.deepStrictEqual(report.rowsReresolved, {});
    const statements = reresolveStatements();
    assert.strictEqual(statements.length, 3, statements.map((q) => q.slice(0, 60)).join("\n"));
    assert.ok(statements.every((q) => !/^MERGE INTO retail_silver\.(cart|order)_events/m.test(q)));
  });
});
