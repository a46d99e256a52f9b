"use strict";
// Run in a fresh Node process by bundle.test.ts: load one bundled handler from its folder and invoke it once, with
// every AWS SDK client answered by aws-sdk-client-mock. Prints what the handler returned and what it sent.
const { mockClient } = require("aws-sdk-client-mock");
const athena = require("@aws-sdk/client-athena");
const cloudwatch = require("@aws-sdk/client-cloudwatch");
const kinesis = require("@aws-sdk/client-kinesis");
const s3tables = require("@aws-sdk/client-s3tables");
const secrets = require("@aws-sdk/client-secrets-manager");
const sns = require("@aws-sdk/client-sns");
const quicksight = require("@aws-sdk/client-quicksight");
const lambda = require("@aws-sdk/client-lambda");

const [dir, eventJson, answerJson] = process.argv.slice(2);
const a = mockClient(athena.AthenaClient);
a.on(athena.StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-1" });
a.on(athena.GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: "SUCCEEDED" } } });
// One answer for every query: the row given as the third argument (JSON), else reconciliation's counts.
const answer = answerJson ? JSON.parse(answerJson) : { source_rows: "10", silver_rows: "10" };
const columns = Object.keys(answer).map((Name) => ({ Name, Type: "varchar" }));
a.on(athena.GetQueryResultsCommand).resolves({
  ResultSet: {
    ResultSetMetadata: { ColumnInfo: columns },
    Rows: [{ Data: columns.map((c) => ({ VarCharValue: c.Name })) }, { Data: columns.map((c) => ({ VarCharValue: answer[c.Name] })) }],
  },
  UpdateCount: 1,
});
mockClient(cloudwatch.CloudWatchClient).on(cloudwatch.PutMetricDataCommand).resolves({});
const published = mockClient(sns.SNSClient);
published.on(sns.PublishCommand).resolves({ MessageId: "m-1" });
// No handler should ask for a secret (the salt is read by the SQL from its table); any request is counted.
const secretReads = mockClient(secrets.SecretsManagerClient);
secretReads.on(secrets.GetSecretValueCommand).resolves({ SecretString: "never-handed-out" });
const ingestions = mockClient(quicksight.QuickSightClient);
ingestions.on(quicksight.CreateIngestionCommand).resolves({ IngestionStatus: "INITIALIZED" });
ingestions.on(quicksight.ListIngestionsCommand).resolves({ Ingestions: [] });
const streams = mockClient(kinesis.KinesisClient);
streams.on(kinesis.PutRecordCommand).resolves({ ShardId: "shardId-000000000000", SequenceNumber: "1" });
const tables = mockClient(s3tables.S3TablesClient);
tables.on(s3tables.GetTableMaintenanceJobStatusCommand).resolves({ status: {} });
tables.on(s3tables.GetTableCommand).resolves({ createdAt: new Date("2026-07-01T00:00:00Z") });

// The backfill invokes the merge (a report back) and itself (queued); every Invoke is recorded.
const invokes = mockClient(lambda.LambdaClient);
invokes.on(lambda.InvokeCommand).callsFake((input) => {
  const event = JSON.parse(Buffer.from(input.Payload).toString("utf8"));
  if (input.InvocationType === "Event") return { StatusCode: 202 };
  const report = { product: event.product, windows: [], rowsByTable: { [`retail_silver.${event.product}`]: 7 }, rowsQuarantined: 0 };
  return { StatusCode: 200, Payload: Buffer.from(JSON.stringify(report)) };
});

const { handler } = require(`${dir}/index.js`);
handler(JSON.parse(eventJson), { getRemainingTimeInMillis: () => 600_000 }).then(
  (report) => {
    const queries = a.commandCalls(athena.StartQueryExecutionCommand).map((c) => c.args[0].input.QueryString);
    const records = streams.commandCalls(kinesis.PutRecordCommand).map((c) => ({
      stream: c.args[0].input.StreamName,
      data: JSON.parse(Buffer.from(c.args[0].input.Data).toString("utf8")),
    }));
    process.stdout.write(
      `${JSON.stringify({
        report,
        queries,
        published: published.commandCalls(sns.PublishCommand).length,
        secretReads: secretReads.commandCalls(secrets.GetSecretValueCommand).length,
        ingestions: ingestions
          .commandCalls(quicksight.CreateIngestionCommand)
          .map((c) => `${c.args[0].input.AwsAccountId}/${c.args[0].input.DataSetId}`),
        records,
        listed: ingestions.commandCalls(quicksight.ListIngestionsCommand).map((c) => c.args[0].input),
        invoked: invokes.commandCalls(lambda.InvokeCommand).map((c) => {
          const { FunctionName, InvocationType, Payload } = c.args[0].input;
          return { FunctionName, InvocationType, event: JSON.parse(Buffer.from(Payload).toString("utf8")) };
        }),
      })}\n`,
    );
  },
  (e) => {
    process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
  },
);
