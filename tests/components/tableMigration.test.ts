import { strict as assert } from "assert";
import { mockClient } from "aws-sdk-client-mock";
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import { diffMigration, migrateTable, remainingSteps, TableMigrationInputs } from "../../components/tableMigrationDdl";
import { hiveSyntaxErrors, trinoSyntaxErrors } from "../spec/trino";

const inputs: TableMigrationInputs = {
  table: "retail_silver.order_events",
  catalog: "s3tablescatalog/retail-prod-tables",
  workGroup: "retail-prod-gold-operations",
  region: "us-east-1",
  version: 3,
  steps: [
    { version: 2, add: [{ name: "store_id", sqlType: "string" }], widen: [] },
    { version: 3, add: [{ name: "units", sqlType: "bigint" }], widen: [{ name: "qty", from: "int", to: "bigint" }] },
  ],
};
const noWait = { sleep: async () => undefined };

describe("TableMigration (dynamic provider logic): a table brought to its schema version through Athena, idempotently", () => {
  const athena = mockClient(AthenaClient);
  const client = new AthenaClient({ region: "us-east-1" });
  beforeEach(() => athena.reset());

  /** Athena answers: the information_schema query returns `columns`; every statement succeeds. */
  function tableHas(columns: [string, string][]) {
    let n = 0;
    athena.on(StartQueryExecutionCommand).callsFake(() => ({ QueryExecutionId: `q-${++n}` }));
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: "SUCCEEDED" } } });
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        Rows: [
          { Data: [{ VarCharValue: "column_name" }, { VarCharValue: "data_type" }] },
          ...columns.map(([c, t]) => ({ Data: [{ VarCharValue: c }, { VarCharValue: t }] })),
        ],
      },
    });
  }
  const sent = () => athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);

  it("reads the table's columns in its S3 Tables catalog, then runs every step it lacks, in order, in the operations workgroup", async () => {
    tableHas([
      ["event_id", "varchar"],
      ["qty", "integer"],
    ]);
    const outs = await migrateTable(client, inputs, noWait);
    assert.deepEqual(outs.applied, [
      "ALTER TABLE retail_silver.order_events ADD COLUMNS (store_id string)",
      "ALTER TABLE retail_silver.order_events ADD COLUMNS (units bigint)",
      "ALTER TABLE retail_silver.order_events CHANGE COLUMN qty qty bigint",
    ]);
    const calls = sent();
    assert.match(calls[0].QueryString!, /FROM information_schema\.columns WHERE table_schema = 'retail_silver' AND table_name = 'order_events'/);
    for (const c of calls) {
      assert.deepEqual(c.QueryExecutionContext, { Catalog: "s3tablescatalog/retail-prod-tables", Database: "retail_silver" });
      assert.equal(c.WorkGroup, "retail-prod-gold-operations");
    }
    assert.deepEqual(
      calls.slice(1).map((c) => c.QueryString),
      outs.applied,
    );
  });

  it("runs nothing on a table that already has the target schema (created at it, or migrated before), and only the rest after a half-done run", async () => {
    tableHas([
      ["event_id", "varchar"],
      ["qty", "bigint"],
      ["store_id", "varchar"],
      ["units", "bigint"],
    ]);
    assert.deepEqual((await migrateTable(client, inputs, noWait)).applied, []);
    assert.equal(sent().length, 1, "only the information_schema read");
    athena.reset();
    tableHas([
      ["qty", "integer"],
      ["store_id", "varchar"],
    ]);
    assert.deepEqual((await migrateTable(client, inputs, noWait)).applied, [
      "ALTER TABLE retail_silver.order_events ADD COLUMNS (units bigint)",
      "ALTER TABLE retail_silver.order_events CHANGE COLUMN qty qty bigint",
    ]);
  });

  it("never narrows back a column that is already wider than a step's target", () => {
    const left = remainingSteps(
      [{ version: 2, add: [], widen: [{ name: "revenue", from: "decimal(10,2)", to: "decimal(12,2)" }] }],
      new Map([["revenue", "decimal(14,2)"]]),
    );
    assert.deepEqual(left, []);
  });

  it("stops with Athena's reason when a statement fails, and when the table has no columns (not created)", async () => {
    tableHas([["event_id", "varchar"]]);
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: "SUCCEEDED" } } })
      .resolves({ QueryExecution: { Status: { State: "FAILED", StateChangeReason: "Insufficient Lake Formation permission(s)" } } });
    await assert.rejects(
      migrateTable(client, inputs, noWait),
      /FAILED in workgroup retail-prod-gold-operations: Insufficient Lake Formation permission/,
    );
    athena.reset();
    tableHas([]);
    await assert.rejects(migrateTable(client, inputs, noWait), /information_schema has no columns for it in s3tablescatalog\/retail-prod-tables/);
  });

  it("sends only statements Athena's grammars take: the read as Trino SQL, the changes as Hive-style DDL", async () => {
    tableHas([["event_id", "varchar"]]);
    await migrateTable(client, inputs, noWait);
    const [read, ...ddl] = sent().map((c) => c.QueryString!);
    assert.deepEqual(trinoSyntaxErrors(read), []);
    for (const s of ddl) assert.deepEqual(hiveSyntaxErrors(s), [], s);
    assert.notDeepEqual(hiveSyntaxErrors("ALTER TABLE t ADD COLUMN store_id string"), [], "control: Trino's singular ADD COLUMN is not Athena's DDL");
  });

  it("diff: a new version or workgroup updates in place, another table is a replacement, and a version going back is refused", () => {
    const olds = { ...inputs, version: 2, steps: inputs.steps.slice(0, 1), applied: [] };
    assert.deepEqual(diffMigration(olds, inputs), { changes: true, replaces: [], deleteBeforeReplace: false });
    assert.deepEqual(diffMigration({ ...inputs, applied: [] }, inputs), { changes: false, replaces: [], deleteBeforeReplace: false });
    assert.deepEqual(diffMigration({ ...inputs, applied: [] }, { ...inputs, table: "retail_silver.x" }).replaces, ["table"]);
    assert.throws(
      () => diffMigration({ ...inputs, applied: [] }, { ...inputs, version: 2 }),
      /goes back from 3 to 2; a table's columns are never dropped/,
    );
  });
});
