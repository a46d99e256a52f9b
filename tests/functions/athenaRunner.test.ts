import * as assert from "assert";
import { mockClient } from "aws-sdk-client-mock";
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  TooManyRequestsException,
} from "@aws-sdk/client-athena";
import { AthenaRunner } from "../../functions/athenaRunner";
import { FinalQueryError, RetryableQueryError } from "../../functions/queryRunner";

const athena = mockClient(AthenaClient);

/** A clock that only moves when the runner sleeps, so deadlines are exact and tests take no time. */
function runner(deadlineMs = 60_000, stopAt?: number) {
  let now = 0;
  const sleeps: number[] = [];
  const r = new AthenaRunner(new AthenaClient({}), {
    workGroup: "retail-prod-ops",
    catalog: "s3tablescatalog/retail-prod-tables",
    deadlineMs,
    stopAt,
    initialPollMs: 100,
    maxPollMs: 400,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  });
  return { r, sleeps };
}

const state = (State: string, extra: Record<string, unknown> = {}) => ({ QueryExecution: { Status: { State, ...extra } } }) as never;
const columns = [
  { Name: "table_name", Type: "varchar" },
  { Name: "source_rows", Type: "bigint" },
];
const row = (...values: (string | undefined)[]) => ({ Data: values.map((v) => (v === undefined ? {} : { VarCharValue: v })) });

describe("AthenaRunner", () => {
  beforeEach(() => {
    athena.reset();
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-1" });
  });

  it("starts in the workgroup and catalog, polls with backoff and reads every result page", async () => {
    athena.on(GetQueryExecutionCommand).resolvesOnce(state("QUEUED")).resolvesOnce(state("RUNNING")).resolves(state("SUCCEEDED"));
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce({
        ResultSet: { ResultSetMetadata: { ColumnInfo: columns }, Rows: [row("table_name", "source_rows"), row("cart_events", "10")] },
        NextToken: "p2",
      })
      .resolvesOnce({ ResultSet: { ResultSetMetadata: { ColumnInfo: columns }, Rows: [row("order_events", "20")] }, NextToken: "p3" })
      .resolvesOnce({ ResultSet: { ResultSetMetadata: { ColumnInfo: columns }, Rows: [row(undefined, "30")] } });
    const { r, sleeps } = runner();
    const rows = await r.query("SELECT 1");
    assert.deepStrictEqual(rows, [
      { table_name: "cart_events", source_rows: 10 },
      { table_name: "order_events", source_rows: 20 },
      { table_name: null, source_rows: 30 },
    ]);
    const start = athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input;
    assert.strictEqual(start.WorkGroup, "retail-prod-ops");
    assert.deepStrictEqual(start.QueryExecutionContext, { Catalog: "s3tablescatalog/retail-prod-tables" });
    assert.deepStrictEqual(sleeps, [100, 200]);
    assert.deepStrictEqual(
      athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input.NextToken),
      [undefined, "p2", "p3"],
    );
  });

  it("answers a statement without a result set with its changed-row count", async () => {
    athena.on(GetQueryExecutionCommand).resolves(state("SUCCEEDED"));
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: [] }, Rows: [] }, UpdateCount: 42 });
    assert.deepStrictEqual(await runner().r.query("MERGE INTO ..."), [{ Count: 42 }]);
  });

  it("maps a FAILED query to a final error carrying Athena's reason", async () => {
    athena
      .on(GetQueryExecutionCommand)
      .resolves(state("FAILED", { StateChangeReason: "TABLE_NOT_FOUND: retail_silver.nope", AthenaError: { ErrorCategory: 2, Retryable: false } }));
    await assert.rejects(runner().r.query("SELECT * FROM retail_silver.nope"), (e: unknown) => {
      assert.ok(e instanceof FinalQueryError);
      assert.match(e.message, /q-1 failed: TABLE_NOT_FOUND/);
      return true;
    });
  });

  it("maps a FAILED query Athena calls retryable to a retryable error", async () => {
    athena
      .on(GetQueryExecutionCommand)
      .resolves(state("FAILED", { StateChangeReason: "ICEBERG_COMMIT_ERROR", AthenaError: { ErrorCategory: 1, Retryable: true } }));
    await assert.rejects(runner().r.query("MERGE INTO x"), RetryableQueryError);
  });

  it("stops a query still running at its deadline and says it may be retried", async () => {
    athena.on(GetQueryExecutionCommand).resolves(state("RUNNING"));
    athena.on(StopQueryExecutionCommand).resolves({});
    const { r, sleeps } = runner(1000);
    await assert.rejects(r.query("SELECT 1"), (e: unknown) => {
      assert.ok(e instanceof RetryableQueryError);
      assert.match(e.message, /did not finish by its deadline/);
      return true;
    });
    assert.deepStrictEqual(
      athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input.QueryExecutionId),
      ["q-1"],
    );
    assert.ok(sleeps.reduce((a, b) => a + b, 0) <= 1000);
  });

  it("stops a query at stopAt, long before its own deadline", async () => {
    athena.on(GetQueryExecutionCommand).resolves(state("RUNNING"));
    athena.on(StopQueryExecutionCommand).resolves({});
    const { r, sleeps } = runner(60_000, 500);
    await assert.rejects(r.query("SELECT 1"), (e: unknown) => {
      assert.ok(e instanceof RetryableQueryError);
      assert.strictEqual(e.message, "query q-1 did not finish by its deadline (60000 ms, or the end of the invocation) and was stopped");
      return true;
    });
    assert.strictEqual(athena.commandCalls(StopQueryExecutionCommand).length, 1);
    // Polls at 0, 100 and 300 ms; the next wait (400 ms) would pass 500 ms, so it stops instead.
    assert.deepStrictEqual(sleeps, [100, 200]);
  });

  it("treats a query the workgroup's scan cutoff cancelled as final, without retrying or stopping it", async () => {
    athena.on(GetQueryExecutionCommand).resolves(state("CANCELLED", { StateChangeReason: "Query cancelled: bytes scanned limit was exceeded" }));
    await assert.rejects(runner().r.query("SELECT * FROM retail_silver.cart_events"), (e: unknown) => {
      assert.ok(e instanceof FinalQueryError);
      assert.strictEqual(e.retryable, false);
      assert.strictEqual(e.queryExecutionId, "q-1");
      assert.strictEqual(e.message, "query q-1 was cancelled: Query cancelled: bytes scanned limit was exceeded");
      return true;
    });
    assert.strictEqual(athena.commandCalls(StartQueryExecutionCommand).length, 1);
    assert.strictEqual(athena.commandCalls(GetQueryExecutionCommand).length, 1);
    assert.strictEqual(athena.commandCalls(StopQueryExecutionCommand).length, 0);
  });

  it("keeps integers JavaScript cannot hold exactly as text and converts the rest", async () => {
    const numeric = [
      { Name: "big", Type: "bigint" },
      { Name: "max_safe", Type: "bigint" },
      { Name: "exact", Type: "decimal(38,0)" },
      { Name: "amount", Type: "decimal(12,2)" },
      { Name: "ratio", Type: "double" },
      { Name: "flag", Type: "boolean" },
    ];
    athena.on(GetQueryExecutionCommand).resolves(state("SUCCEEDED"));
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: numeric },
        Rows: [
          row("big", "max_safe", "exact", "amount", "ratio", "flag"),
          row("9007199254740993", "9007199254740991", "12345678901234567890", "1234.50", "0.25", "true"),
        ],
      },
    });
    assert.deepStrictEqual(await runner().r.query("SELECT 1"), [
      { big: "9007199254740993", max_safe: 9007199254740991, exact: "12345678901234567890", amount: 1234.5, ratio: 0.25, flag: true },
    ]);
  });

  it("retries throttling with backoff and then succeeds", async () => {
    const throttled = new TooManyRequestsException({ message: "Rate exceeded", $metadata: {} });
    athena.on(StartQueryExecutionCommand).rejectsOnce(throttled).rejectsOnce(throttled).resolves({ QueryExecutionId: "q-2" });
    athena.on(GetQueryExecutionCommand).rejectsOnce(throttled).resolves(state("SUCCEEDED"));
    athena
      .on(GetQueryResultsCommand)
      .resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: columns }, Rows: [row("table_name", "source_rows"), row("x", "1")] } });
    const { r, sleeps } = runner();
    assert.deepStrictEqual(await r.query("SELECT 1"), [{ table_name: "x", source_rows: 1 }]);
    assert.deepStrictEqual(sleeps, [100, 200, 100]);
  });

  it("gives up on throttling at the deadline with a retryable error", async () => {
    athena.on(StartQueryExecutionCommand).rejects(new TooManyRequestsException({ message: "Rate exceeded", $metadata: {} }));
    await assert.rejects(runner(1000).r.query("SELECT 1"), /still throttled at the deadline/);
  });

  it("starts nothing once stopAt has passed: the next run takes the statement up", async () => {
    await assert.rejects(runner(60_000, 0).r.query("SELECT 1"), (e: Error) => {
      assert.ok(e instanceof RetryableQueryError);
      assert.strictEqual(e.message, "no time left in this invocation to start the query; the next run takes it up");
      return true;
    });
    assert.strictEqual(athena.commandCalls(StartQueryExecutionCommand).length, 0);
  });

  it("stops a running query whose status calls are still throttled at the deadline", async () => {
    athena.on(GetQueryExecutionCommand).rejects(new TooManyRequestsException({ message: "Rate exceeded", $metadata: {} }));
    athena.on(StopQueryExecutionCommand).resolves({});
    await assert.rejects(runner(1000).r.query("SELECT 1"), /GetQueryExecution \(query q-1\): Rate exceeded; still throttled at the deadline/);
    assert.deepStrictEqual(
      athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input),
      [{ QueryExecutionId: "q-1" }],
    );
  });

  it("treats a rejected statement as final without retrying it", async () => {
    athena.on(StartQueryExecutionCommand).rejects(Object.assign(new Error("line 1:1: mismatched input"), { name: "InvalidRequestException" }));
    await assert.rejects(runner().r.query("SELEC 1"), FinalQueryError);
    assert.strictEqual(athena.commandCalls(StartQueryExecutionCommand).length, 1);
  });
});
