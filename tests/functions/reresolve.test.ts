import { fakeRunner, RecordingAlerts, withEnvironment } from "./fakes";
import * as assert from "assert";
import { mockClient } from "aws-sdk-client-mock";
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { SNSClient } from "@aws-sdk/client-sns";
import { MergeEvent, MergeSettings, runMerge } from "../../functions/merge";
import { loadSql } from "../../core/sql/files";
import { splitStatements } from "../../core/sql/text";
import { RECORD_MARK_FILE, RERESOLVE_APPLY_FILES, RERESOLVE_CLEANUP_FILE, RERESOLVE_PENDING_FILE, reresolveHorizonStart } from "../../core/reresolve";

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
    mark: (([read, write]) => ({ read, write }))(splitStatements(loadSql(RECORD_MARK_FILE))),
    horizonDays: 30,
    record: { pos_transactions: { sql: loadSql("unresolved/pos_transactions.sql"), intervalMinutes: 5 } },
  },
};
const EVENT = { product: "pos_transactions", scheduledTime: "2026-07-01T10:00:00Z" };

async function coldStart() {
  delete require.cache[require.resolve("../../functions/lambda")];
  return import("../../functions/lambda");
}

describe("merge function: the hourly record and re-resolution (sql/unresolved/, sql/reresolve/ through Athena)", () => {
  const log = console.log;
  let sent: string[];
  withEnvironment(ENVIRONMENT);
  beforeEach(() => {
    for (const m of [athena, cloudwatch, sns]) m.reset();
    sent = [];
    const answers = new Map<string, { columns: string[]; rows: string[][] } | number>();
    athena.on(StartQueryExecutionCommand).callsFake((input: { QueryString: string }) => {
      const id = `q-${sent.length + 1}`;
      sent.push(input.QueryString);
      const q = input.QueryString;
      answers.set(
        id,
        q.includes("AS pending")
          ? { columns: ["day", "pending"], rows: [["2026-06-30", "2"]] }
          : q.includes("AS recorded_through")
            ? { columns: ["recorded_through"], rows: [[]] }
            : /^MERGE INTO retail_silver\.(cart|order)_events AS t\nUSING \(\n {2}WITH\n {2}-- The email hashes/m.test(q)
              ? q.includes("retail_silver.cart_events AS t")
                ? 2
                : 5
              : 1,
      );
      return { QueryExecutionId: id };
    });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: "SUCCEEDED" } } });
    athena.on(GetQueryResultsCommand).callsFake((input: { QueryExecutionId: string }) => {
      const a = answers.get(input.QueryExecutionId)!;
      if (typeof a === "number") return { ResultSet: { ResultSetMetadata: { ColumnInfo: [] }, Rows: [] }, UpdateCount: a };
      return {
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: a.columns.map((Name) => ({ Name, Type: "varchar" })) },
          Rows: [
            { Data: a.columns.map((c) => ({ VarCharValue: c })) },
            ...a.rows.map((r) => ({ Data: a.columns.map((_, i) => (r[i] === undefined ? {} : { VarCharValue: r[i] })) })),
          ],
        },
      };
    });
    cloudwatch.on(PutMetricDataCommand).resolves({});
    console.log = () => undefined;
  });
  afterEach(() => {
    console.log = log;
  });
  const metrics = () => cloudwatch.commandCalls(PutMetricDataCommand).flatMap((c) => c.args[0].input.MetricData ?? []);

  it("through Athena, in the hour's identity run: the record, its mark, the pending query, one day's updates, cleanup; RowsReresolved reaches CloudWatch", async () => {
    const { mergeEntry } = await coldStart();
    const report = await mergeEntry(EVENT, SETTINGS);
    assert.deepStrictEqual(report.rowsReresolved, { "retail_silver.cart_events": 2, "retail_silver.order_events": 5 });
    const reresolved = metrics()
      .filter((m) => m.MetricName === "RowsReresolved")
      .map((m) => [m.Dimensions?.find((d) => d.Name === "Table")?.Value, m.Value]);
    assert.deepStrictEqual(reresolved, [
      ["retail_silver.cart_events", 2],
      ["retail_silver.order_events", 5],
    ]);
    // The horizon runs from the function's clock (now), whatever the scheduled time.
    const horizon = reresolveHorizonStart(new Date(), 30).toISOString().slice(0, 19).replace("T", " ");
    assert.ok(sent.find((q) => q.includes("AS pending"))!.includes(`u.event_ts >= TIMESTAMP '${horizon}'`));
    assert.strictEqual(report.rowsByTable["retail_silver.unresolved_identities"], 1, "the record's rows count as RowsMerged, not the mark's");
  });
});

/** A scripted runner: the record mark, the pending days and changed-row counts as Athena would answer them. */
function scripted(options: { mark?: string; pending?: [string, number][] } = {}) {
  const runner = fakeRunner([
    [/AS recorded_through/, [{ recorded_through: options.mark ?? null }]],
    [/AS pending/, (options.pending ?? []).map(([day, pending]) => ({ day, pending }))],
    [/^MERGE INTO retail_silver\.cart_events AS t\nUSING \(\n {2}WITH\n {2}-- The email hashes/m, [{ Count: 2 }]],
    [/^MERGE INTO retail_silver\.order_events AS t\nUSING \(\n {2}WITH\n {2}-- The email hashes/m, [{ Count: 5 }]],
    [/./, [{ Count: 1 }]],
  ]);
  return runner;
}
const NOW = new Date("2026-07-01T10:00:30Z");
const merge = (runner: ReturnType<typeof scripted>, event: MergeEvent = EVENT, now = NOW) =>
  runMerge(event, SETTINGS, { runner, alerts: new RecordingAlerts(), now: () => now });
const isRecord = (q: string) => /^MERGE INTO retail_silver\.unresolved_identities AS t\nUSING \(\n {2}WITH typed/m.test(q);
const recordSpans = (statements: string[]) =>
  statements
    .filter(isRecord)
    .map((q) => /b\.received_at >= TIMESTAMP '([^']+)' AND b\.received_at < TIMESTAMP '([^']+)'/.exec(q)!.slice(1, 3).join(" .. "));
const isMarkWrite = (q: string) => /^MERGE INTO retail_silver\.unresolved_identities AS t\nUSING \(SELECT '/m.test(q);
const silverUpdates = (statements: string[]) =>
  statements
    .filter((q) => /^MERGE INTO retail_silver\.(cart|order)_events AS t\nUSING \(\n {2}WITH\n {2}-- The email hashes/m.test(q))
    .map((q) => `${/^MERGE INTO retail_silver\.(\w+)/m.exec(q)![1]} ${/t\.event_ts >= TIMESTAMP '(\d{4}-\d{2}-\d{2})/.exec(q)![1]}`);

describe("merge function: what the identity run records and re-resolves, and from when", () => {
  it("records after the window's own statements, from the lookback plus two hours when there is no mark, then moves the mark to the run's end", async () => {
    const runner = scripted();
    await merge(runner);
    const s = runner.statements;
    const recordAt = s.findIndex(isRecord);
    const lastMerge = s.map((q, i) => (/^MERGE INTO retail_silver\.canary_arrivals/m.test(q) ? i : -1)).reduce((a, b) => Math.max(a, b));
    assert.ok(lastMerge >= 0 && lastMerge < recordAt, "the window's statements first: the record reads the silver rows they wrote");
    assert.deepStrictEqual(recordSpans(s), ["2026-07-01 07:30:00 .. 2026-07-01 10:00:00"]);
    const markAt = s.findIndex(isMarkWrite);
    assert.ok(markAt > recordAt, "the mark moves only after the record succeeded");
    assert.ok(s[markAt].includes("'pos_transactions' AS product, TIMESTAMP '2026-07-01 10:00:00' AS recorded_through"), s[markAt]);
  });

  it("after missed or failed identity runs, records from the mark: nothing merged since is left out", async () => {
    const runner = scripted({ mark: "2026-07-01 04:00:00.000" });
    await merge(runner);
    assert.deepStrictEqual(recordSpans(runner.statements), ["2026-07-01 04:00:00 .. 2026-07-01 10:00:00"]);
  });

  it("a mark older than the merge horizon records the last 3 days only, one day per statement", async () => {
    const runner = scripted({ mark: "2026-06-20 10:00:00" });
    await merge(runner);
    assert.deepStrictEqual(recordSpans(runner.statements), [
      "2026-06-28 10:00:00 .. 2026-06-29 00:00:00",
      "2026-06-29 00:00:00 .. 2026-06-30 00:00:00",
      "2026-06-30 00:00:00 .. 2026-07-01 00:00:00",
      "2026-07-01 00:00:00 .. 2026-07-01 10:00:00",
    ]);
  });

  it("a record statement that fails leaves the mark where it was: the next identity run reads the same span again", async () => {
    const failing = new Error("Athena: Query exhausted resources");
    const runner = fakeRunner([
      [/AS recorded_through/, [{ recorded_through: "2026-06-29 10:00:00" }]],
      // The second day's record fails; the first day's went through.
      [/WITH typed[\s\S]*b\.received_at >= TIMESTAMP '2026-06-30 00:00:00' AND b\.received_at < TIMESTAMP '2026-07-01 00:00:00'/, failing],
      [/AS pending/, []],
      [/./, [{ Count: 1 }]],
    ]);
    await assert.rejects(merge(runner as ReturnType<typeof scripted>), /exhausted resources/);
    assert.deepStrictEqual(recordSpans(runner.statements), [
      "2026-06-29 10:00:00 .. 2026-06-30 00:00:00",
      "2026-06-30 00:00:00 .. 2026-07-01 00:00:00",
    ]);
    assert.strictEqual(runner.statements.filter(isMarkWrite).length, 0, "the mark is not moved past rows never recorded");
    // The next identity run, an hour later, starts from the same mark.
    const next = scripted({ mark: "2026-06-29 10:00:00" });
    await merge(next, { ...EVENT, scheduledTime: "2026-07-01T11:00:00Z" }, new Date("2026-07-01T11:00:30Z"));
    assert.strictEqual(recordSpans(next.statements)[0], "2026-06-29 10:00:00 .. 2026-06-30 00:00:00", "from the unmoved mark");
  });

  it("a recent mark never shortens the record below the lookback plus two hours", async () => {
    const runner = scripted({ mark: "2026-07-01 09:55:00" });
    await merge(runner);
    assert.deepStrictEqual(recordSpans(runner.statements), ["2026-07-01 07:30:00 .. 2026-07-01 10:00:00"]);
  });

  it("sends neither the record, the mark nor the re-resolution in the hour's other runs", async () => {
    const runner = scripted({ pending: [["2026-06-30", 3]] });
    const report = await merge(runner, { ...EVENT, scheduledTime: "2026-07-01T10:05:00Z" });
    assert.deepStrictEqual(
      runner.statements.filter((q) =>
        /unresolved_identities|AS pending|AS recorded_through/.test(q.split("\n").find((l) => /^(MERGE|DELETE|SELECT)/.test(l)) ?? ""),
      ),
      [],
    );
    assert.deepStrictEqual(report.rowsReresolved, {});
  });

  it("a replay off the hour (a backfill window) records each window it merged, leaves the mark alone, and re-resolves", async () => {
    const runner = scripted({ pending: [["2026-06-30", 3]] });
    const report = await merge(runner, { product: "pos_transactions", scheduledTime: "2026-06-30T00:20:00Z", lookbackMinutes: 50 });
    assert.deepStrictEqual(recordSpans(runner.statements), [
      "2026-06-29 23:30:00 .. 2026-06-30 00:00:00",
      "2026-06-30 00:00:00 .. 2026-06-30 00:20:00",
    ]);
    assert.ok(!runner.statements.some(isMarkWrite) && !runner.statements.some((q) => q.includes("AS recorded_through")));
    assert.deepStrictEqual(report.rowsReresolved, { "retail_silver.cart_events": 2, "retail_silver.order_events": 5 });
  });

  it("a replay of last month re-resolves within the horizon from now, not from the replayed window's end", async () => {
    const runner = scripted();
    await merge(
      runner,
      { product: "pos_transactions", scheduledTime: "2026-06-02T01:00:00Z", lookbackMinutes: 60 },
      new Date("2026-07-15T12:00:00Z"),
    );
    const pending = runner.statements.find((q) => q.includes("AS pending"))!;
    assert.ok(pending.includes("u.event_ts >= TIMESTAMP '2026-06-15 00:00:00' AND u.first_seen >= TIMESTAMP '2026-06-15 00:00:00'"), pending);
    const cleanup = runner.statements[runner.statements.length - 1];
    assert.ok(cleanup.includes("WHERE (event_ts < TIMESTAMP '2026-06-15 00:00:00' OR first_seen < TIMESTAMP '2026-06-15 00:00:00')"), cleanup);
  });

  it("updates one day per statement, at most four days a run: the oldest (next to pass the horizon), then the newest; a day's side rows go only once it is applied", async () => {
    const days: [string, number][] = [
      ["2026-06-30", 3],
      ["2026-06-29", 1],
      ["2026-06-20", 4],
      ["2026-06-12", 2],
      ["2026-06-11", 9],
      ["2026-06-03", 1],
    ];
    const runner = scripted({ pending: days });
    const report = await merge(runner);
    assert.deepStrictEqual(silverUpdates(runner.statements), [
      "cart_events 2026-06-03",
      "order_events 2026-06-03",
      "cart_events 2026-06-30",
      "order_events 2026-06-30",
      "cart_events 2026-06-29",
      "order_events 2026-06-29",
      "cart_events 2026-06-20",
      "order_events 2026-06-20",
    ]);
    for (const q of runner.statements.filter((q) => /t\.event_ts >= TIMESTAMP '2026-06-20 00:00:00'/.test(q))) {
      assert.ok(q.includes("t.event_ts >= TIMESTAMP '2026-06-20 00:00:00' AND t.event_ts < TIMESTAMP '2026-06-21 00:00:00'"), q);
    }
    const applied = runner.statements.filter(
      (q) => /^MERGE INTO retail_silver\.unresolved_identities AS t\nUSING \(\n {2}WITH\n/m.test(q) && q.includes("WHEN MATCHED THEN DELETE"),
    );
    assert.deepStrictEqual(
      applied.map((q) => /u\.event_ts >= TIMESTAMP '(\d{4}-\d{2}-\d{2})/.exec(q)![1]),
      ["2026-06-03", "2026-06-30", "2026-06-29", "2026-06-20"],
      "the side rows of 2026-06-12 and 2026-06-11 stay for the next run",
    );
    assert.deepStrictEqual(report.rowsReresolved, { "retail_silver.cart_events": 8, "retail_silver.order_events": 20 });
  });

  it("with nothing pending, reads no silver partition: only the record, its mark, the pending query and the horizon's cleanup run", async () => {
    const runner = scripted();
    const report = await merge(runner);
    assert.deepStrictEqual(report.rowsReresolved, {});
    assert.deepStrictEqual(silverUpdates(runner.statements), []);
    const identity = runner.statements.slice(runner.statements.findIndex((q) => q.includes("AS recorded_through")));
    assert.strictEqual(identity.length, 5, identity.map((q) => q.slice(0, 80)).join("\n"));
  });
});
