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
    record: { pos_transactions: { sql: loadSql("unresolved/pos_transactions.sql"), intervalMinutes: 5 } },
  },
};
const EVENT = { product: "pos_transactions", scheduledTime: "2026-07-01T10:00:00Z" };

async function coldStart() {
  delete require.cache[require.resolve("../../functions/lambda")];
  return import("../../functions/lambda");
}

type Answer = { kind: "count"; n: number } | { kind: "pending"; pending: number; first: string | null; last: string | null };

describe("merge function: the hourly record and re-resolution (sql/unresolved/, sql/reresolve/ through Athena)", () => {
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

  const isRecord = (q: string) => /^MERGE INTO retail_silver\.unresolved_identities AS t\nUSING \(\n {2}WITH typed/m.test(q);
  const identityStatements = () =>
    sent.filter(
      (q) =>
        isRecord(q) ||
        q.includes("AS pending") ||
        /retail_silver\.unresolved_identities/.test(q.split("\n").find((l) => /^(MERGE|DELETE)/.test(l)) ?? ""),
    );
  const metrics = () => cloudwatch.commandCalls(PutMetricDataCommand).flatMap((c) => c.args[0].input.MetricData ?? []);

  it("in the hour's identity run: after the window's statements, records, finds the pending rows, updates only their days, cleans up, counts RowsReresolved", async () => {
    const { mergeEntry } = await coldStart();
    const report = await mergeEntry(EVENT, SETTINGS);
    assert.deepStrictEqual(report.rowsReresolved, { "retail_silver.cart_events": 2, "retail_silver.order_events": 5 });
    const recordAt = sent.findIndex(isRecord);
    const lastMerge = sent.map((q, i) => (/^MERGE INTO retail_silver\.canary_arrivals/m.test(q) ? i : -1)).reduce((a, b) => Math.max(a, b));
    assert.ok(lastMerge >= 0 && lastMerge < recordAt, "the window's own statements first: the record reads the silver rows they wrote");
    // Two hours beyond the run's 30-minute lookback: the arrivals of every run since the last identity run, and one more.
    assert.ok(sent[recordAt].includes("b.received_at >= TIMESTAMP '2026-07-01 07:30:00' AND b.received_at < TIMESTAMP '2026-07-01 10:00:00'"));
    const pendingAt = recordAt + 1;
    assert.ok(sent[pendingAt].includes("AS pending"));
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
    const cleanup = sent.slice(pendingAt + 3);
    assert.strictEqual(cleanup.length, 2);
    assert.match(cleanup[0], /^MERGE INTO retail_silver\.unresolved_identities AS t[\s\S]*WHEN MATCHED THEN DELETE/m);
    assert.ok(cleanup[1].includes(`DELETE FROM retail_silver.unresolved_identities WHERE event_ts < TIMESTAMP '${horizon}'`));
    const reresolved = metrics()
      .filter((m) => m.MetricName === "RowsReresolved")
      .map((m) => [m.Dimensions?.find((d) => d.Name === "Table")?.Value, m.Value]);
    assert.deepStrictEqual(reresolved, [
      ["retail_silver.cart_events", 2],
      ["retail_silver.order_events", 5],
    ]);
    assert.strictEqual(report.rowsByTable["retail_silver.unresolved_identities"], 1, "the record's rows count as RowsMerged");
  });

  it("re-resolves in the identity run even when its own bridge refresh changed nothing: another run's refresh may have taught the link", async () => {
    bridgeCount = 0;
    const { mergeEntry } = await coldStart();
    const report = await mergeEntry(EVENT, SETTINGS);
    assert.deepStrictEqual(report.rowsReresolved, { "retail_silver.cart_events": 2, "retail_silver.order_events": 5 });
  });

  it("sends neither the record nor the re-resolution in the hour's other runs", async () => {
    const { mergeEntry } = await coldStart();
    const report = await mergeEntry({ ...EVENT, scheduledTime: "2026-07-01T10:05:00Z" }, SETTINGS);
    assert.deepStrictEqual(identityStatements(), []);
    assert.deepStrictEqual(report.rowsReresolved, {});
    assert.strictEqual(metrics().filter((m) => m.MetricName === "RowsReresolved").length, 0);
  });

  it("with nothing pending, reads no silver partition: only the record, the pending query and the side table's cleanup run", async () => {
    pending = { kind: "pending", pending: 0, first: null, last: null };
    const { mergeEntry } = await coldStart();
    const report = await mergeEntry(EVENT, SETTINGS);
    assert.deepStrictEqual(report.rowsReresolved, {});
    const statements = identityStatements();
    assert.strictEqual(statements.length, 4, statements.map((q) => q.slice(0, 60)).join("\n"));
    assert.ok(sent.every((q) => !/^MERGE INTO retail_silver\.(cart|order)_events AS t\nUSING \(\n {2}WITH\n/m.test(q)));
  });
});
