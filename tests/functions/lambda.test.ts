import { withEnvironment } from "./fakes";
import * as assert from "assert";
import { mockClient } from "aws-sdk-client-mock";
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SNSClient } from "@aws-sdk/client-sns";
import { MERGE_SETTINGS } from "../support/mergeSettings";
import { EMAIL_SALT_REF } from "../../core/emailSalt";

const secrets = mockClient(SecretsManagerClient);
const athena = mockClient(AthenaClient);
const cloudwatch = mockClient(CloudWatchClient);
const sns = mockClient(SNSClient);

const ENVIRONMENT = {
  ATHENA_WORKGROUP: "retail-prod-ops",
  ATHENA_CATALOG: "s3tablescatalog/retail-prod-tables",
  QUERY_DEADLINE_MS: "60000",
  ALARM_TOPIC_ARN: "arn:aws:sns:eu-west-1:123456789012:retail-prod-alarms",
};
const settings = MERGE_SETTINGS;
const event = { product: "cart_events", scheduledTime: "2026-07-01T10:00:00Z" };

/** The entry points of a cold container: the module is loaded anew for each test. */
async function coldStart() {
  delete require.cache[require.resolve("../../functions/lambda")];
  return import("../../functions/lambda");
}

describe("merge entry point and the salt", () => {
  const log = console.log;
  let logged: string[];

  withEnvironment(ENVIRONMENT);
  beforeEach(() => {
    for (const m of [secrets, athena, cloudwatch, sns]) m.reset();
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-1" });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: "SUCCEEDED" } } });
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: [] }, Rows: [] }, UpdateCount: 1 });
    cloudwatch.on(PutMetricDataCommand).resolves({});
    logged = [];
    console.log = (...args: unknown[]) => logged.push(args.join(" "));
  });
  afterEach(() => {
    console.log = log;
  });

  const queries = () => athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.QueryString);

  it("reads no secret: its statements reach Athena reading the salt from its table, and nothing of it is logged", async () => {
    const { mergeEntry } = await coldStart();
    const report = await mergeEntry(event, settings);
    assert.deepStrictEqual(report.rowsByTable, { "retail_silver.identity_bridge": 1, "retail_silver.cart_events": 1 });
    assert.strictEqual(secrets.commandCalls(GetSecretValueCommand).length, 0);
    assert.strictEqual(queries().length, 2);
    assert.ok(
      queries().every((sql) => sql!.includes(`(SELECT salt FROM ${EMAIL_SALT_REF})`)),
      "every statement reads the salt table",
    );
    assert.strictEqual(logged.length, 1);
  });
});
