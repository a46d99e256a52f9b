import * as assert from "assert";
import { mockClient } from "aws-sdk-client-mock";
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SNSClient } from "@aws-sdk/client-sns";
import { MERGE_SETTINGS } from "../support/mergeSettings";
import { TEST_SALT as SALT } from "../support/stacks";

const secrets = mockClient(SecretsManagerClient);
const athena = mockClient(AthenaClient);
const cloudwatch = mockClient(CloudWatchClient);
const sns = mockClient(SNSClient);

const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:retail-prod-email-salt";
const ENVIRONMENT = {
  ATHENA_WORKGROUP: "retail-prod-ops",
  ATHENA_CATALOG: "s3tablescatalog/retail-prod-tables",
  QUERY_DEADLINE_MS: "60000",
  ALARM_TOPIC_ARN: "arn:aws:sns:eu-west-1:123456789012:retail-prod-alarms",
  EMAIL_SALT_SECRET_ARN: SECRET_ARN,
};
const settings = MERGE_SETTINGS;
const event = { product: "cart_events", scheduledTime: "2026-07-01T10:00:00Z" };

/** The entry points with a cold container's salt cache: the module is loaded anew for each test. */
async function coldStart() {
  delete require.cache[require.resolve("../../functions/lambda")];
  return import("../../functions/lambda");
}

describe("merge entry point's salt", () => {
  const saved: Record<string, string | undefined> = {};
  const log = console.log;
  let logged: string[];

  before(() => {
    for (const [k, v] of Object.entries(ENVIRONMENT)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
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

  it("is read once per container and reaches the SQL, never the log", async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: SALT });
    const { mergeEntry } = await coldStart();
    await mergeEntry(event, settings);
    await mergeEntry(event, settings);
    assert.deepStrictEqual(
      secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId),
      [SECRET_ARN],
    );
    assert.strictEqual(queries().length, 4);
    assert.ok(
      queries().every((sql) => sql!.includes(`'${SALT}'`)),
      "every statement gets the salt",
    );
    assert.strictEqual(logged.length, 2);
    assert.ok(!logged.some((line) => line.includes(SALT)));
  });

  it("rejects a secret without a string value and reads the secret again on the next invocation", async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretBinary: new Uint8Array([1, 2, 3]) })
      .resolves({ SecretString: SALT });
    const { mergeEntry } = await coldStart();
    await assert.rejects(mergeEntry(event, settings), (e: unknown) => {
      assert.strictEqual((e as Error).message, "the email-hash salt secret has no string value");
      return true;
    });
    assert.deepStrictEqual(queries(), []);
    const report = await mergeEntry(event, settings);
    assert.deepStrictEqual(report.rowsByTable, { "retail_silver.identity_bridge": 1, "retail_silver.cart_events": 1 });
    assert.strictEqual(secrets.commandCalls(GetSecretValueCommand).length, 2);
  });
});
