import * as assert from "assert";
import { mockClient } from "aws-sdk-client-mock";
import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import { AthenaDdlError, AthenaViewInputs, createView, deleteView, diffView, updateView, validateViewInputs } from "../../components/athenaViewDdl";

const inputs: AthenaViewInputs = {
  viewName: "cart_abandonment",
  database: "retail_gold",
  statement: "CREATE OR REPLACE VIEW retail_gold.cart_abandonment AS\nSELECT 1 AS n",
  workGroup: "retail-prod-gold-platform",
  region: "us-east-1",
};
const noWait = { sleep: async () => undefined };

describe("AthenaView DDL (dynamic provider logic)", () => {
  const athena = mockClient(AthenaClient);
  const client = new AthenaClient({ region: "us-east-1" });
  beforeEach(() => athena.reset());

  it("create runs the view's statement in the platform workgroup against the default catalog, waits, and ids the view", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-1" });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: "QUEUED" } } })
      .resolvesOnce({ QueryExecution: { Status: { State: "RUNNING" } } })
      .resolves({ QueryExecution: { Status: { State: "SUCCEEDED" } } });
    const { id, outs } = await createView(client, inputs, noWait);
    assert.strictEqual(id, "retail_gold.cart_abandonment");
    assert.strictEqual(outs.queryExecutionId, "q-1");
    const start = athena.commandCalls(StartQueryExecutionCommand);
    assert.strictEqual(start.length, 1);
    assert.deepStrictEqual(start[0].args[0].input, {
      QueryString: inputs.statement,
      WorkGroup: "retail-prod-gold-platform",
      QueryExecutionContext: { Catalog: "AwsDataCatalog", Database: "retail_gold" },
    });
    assert.strictEqual(athena.commandCalls(GetQueryExecutionCommand).length, 3);
  });

  it("surfaces Athena's reason when the DDL fails", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-2" });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: { State: "FAILED", StateChangeReason: "line 2:15: Table 'awsdatacatalog.retail_silver.cart_events' does not exist" },
      },
    });
    await assert.rejects(createView(client, inputs, noWait), (e: Error) => {
      assert.ok(e instanceof AthenaDdlError);
      assert.strictEqual(
        e.message,
        "Athena query q-2 FAILED in workgroup retail-prod-gold-platform: line 2:15: Table 'awsdatacatalog.retail_silver.cart_events' does not exist",
      );
      return true;
    });
  });

  it("gives up after maxPolls instead of hanging a deploy", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-3" });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: "RUNNING" } } });
    await assert.rejects(createView(client, inputs, { ...noWait, maxPolls: 3 }), /q-3 did not finish after 3 polls/);
    assert.strictEqual(athena.commandCalls(GetQueryExecutionCommand).length, 3);
  });

  it("update re-runs CREATE OR REPLACE (idempotent); delete drops the view if it exists", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-4" });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: "SUCCEEDED" } } });
    const news = { ...inputs, statement: "CREATE OR REPLACE VIEW retail_gold.cart_abandonment AS\nSELECT 2 AS n" };
    const { outs } = await updateView(client, news, noWait);
    assert.strictEqual(outs.statement, news.statement);
    await deleteView(client, outs, noWait);
    const sent = athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.QueryString);
    assert.deepStrictEqual(sent, [news.statement, "DROP VIEW IF EXISTS retail_gold.cart_abandonment"]);
  });

  it("refuses a statement that creates another view or carries a second statement, before calling Athena", async () => {
    await assert.rejects(
      createView(client, { ...inputs, statement: inputs.statement.replace("cart_abandonment", "conversion_rate") }, noWait),
      /must start with CREATE OR REPLACE VIEW retail_gold\.cart_abandonment AS/,
    );
    assert.throws(
      () => validateViewInputs({ ...inputs, statement: `${inputs.statement}; DROP TABLE retail_silver.cart_events` }),
      /one statement without a trailing semicolon/,
    );
    assert.strictEqual(athena.commandCalls(StartQueryExecutionCommand).length, 0);
  });

  it("diff: new SQL or workgroup updates in place; a new name or database replaces", () => {
    const olds = { ...inputs, queryExecutionId: "q-1" };
    assert.deepStrictEqual(diffView(olds, inputs), { changes: false, replaces: [], deleteBeforeReplace: false });
    assert.deepStrictEqual(diffView(olds, { ...inputs, statement: `${inputs.statement} UNION ALL SELECT 2` }), {
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    assert.deepStrictEqual(diffView(olds, { ...inputs, workGroup: "other" }).replaces, []);
    assert.deepStrictEqual(diffView(olds, { ...inputs, viewName: "cart_abandonment_v2" }).replaces, ["viewName"]);
  });
});
