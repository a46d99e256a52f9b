import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { mockClient } from "aws-sdk-client-mock";
import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import { AthenaViewOutputs, deleteView } from "../../components/athenaViewDdl";
import { SQL_DIR } from "../../core/paths";
import { ProgramRun } from "../../local/harness";
import { runStack } from "../support/stacks";
import { GOLD_DIRS, HANDLER_DIRS, NEVER_SENT, sentFromSqlDir, Statement, uncovered } from "./sentSql";
import { trinoSyntaxErrors } from "./trino";

/**
 * Every statement the platform sends to Athena, judged by Trino's grammar: the handlers' SQL rendered as they render
 * it, the gold views as the AthenaView resource runs them, and what the plans hand to Athena (view DDL, QuickSight
 * custom SQL, the DROP a deleted view runs). Each failure names the statement's source and Trino's error.
 */

function problems(statements: readonly Statement[]): string[] {
  return statements.flatMap((s) => trinoSyntaxErrors(s.sql).map((e) => `${s.source}: ${e}`));
}

describe("spec (Trino): every statement sent to Athena from sql/ parses under Trino's grammar", () => {
  let statements: Statement[];
  let covered: Set<string>;
  before(() => {
    ({ statements, covered } = sentFromSqlDir(SQL_DIR));
  });

  it("covers every file under sql/: sent, included by a sent file, or named as never sent", () => {
    assert.deepEqual(uncovered(SQL_DIR, covered), []);
    for (const dir of [...HANDLER_DIRS, ...GOLD_DIRS])
      assert.ok(
        statements.some((s) => s.source.startsWith(`sql/${dir}/`)),
        `nothing sent from sql/${dir}`,
      );
  });

  it("the merge, bridge, reconcile and freshness SQL, rendered with sample parameters, split as the handlers split it", () => {
    const handler = statements.filter((s) => HANDLER_DIRS.some((d) => s.source.startsWith(`sql/${d}/`)));
    assert.ok(
      handler.every((s) => !/\{\{/.test(s.sql)),
      "every placeholder is filled",
    );
    assert.deepEqual(problems(handler), []);
  });

  it("the gold views of both channel modes, as viewStatement gives them to Athena", () => {
    assert.deepEqual(problems(statements.filter((s) => GOLD_DIRS.some((d) => s.source.startsWith(`sql/${d}/`)))), []);
  });
});

for (const stack of ["dev", "prod"] as const) {
  describe(`spec (Trino): what the ${stack} plan hands to Athena parses under Trino's grammar`, () => {
    let run: ProgramRun;
    before(async () => {
      run = await runStack(stack);
    });

    it("each AthenaView's DDL, and the DROP VIEW its delete runs", async () => {
      const views = run.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/retail:AthenaView");
      assert.ok(views.length > 0, "the plan has views");
      const athena = mockClient(AthenaClient);
      try {
        athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q" });
        athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: "SUCCEEDED" } } });
        const client = new AthenaClient({ region: "us-east-1" });
        for (const v of views)
          await deleteView(client, { ...(v.inputs as AthenaViewOutputs), queryExecutionId: "q" }, { sleep: async () => undefined });
        const drops = athena
          .commandCalls(StartQueryExecutionCommand)
          .map((c, i) => ({ source: `delete of ${views[i].name}`, sql: c.args[0].input.QueryString! }));
        const ddl = views.map((v) => ({ source: `${v.name} inputs.statement`, sql: String(v.inputs.statement) }));
        assert.deepEqual(problems([...ddl, ...drops]), []);
      } finally {
        athena.restore();
      }
    });

    it("each QuickSight data set's custom SQL, which QuickSight runs on Athena", () => {
      const sql = run.resources
        .filter((r) => r.type === "aws:quicksight/dataSet:DataSet")
        .flatMap((r) =>
          (r.inputs.physicalTableMaps ?? [])
            .filter((m: any) => m.customSql)
            .map((m: any, i: number) => ({ source: `${r.name} physicalTableMaps[${i}].customSql.sqlQuery`, sql: String(m.customSql.sqlQuery) })),
        );
      assert.ok(sql.length > 0, "the plan has custom SQL");
      assert.deepEqual(problems(sql), []);
    });
  });
}

describe("spec (Trino): control cases the check must reject", () => {
  it("rejects a misspelt keyword, an incomplete statement, a MERGE clause without THEN and two statements in one call", () => {
    assert.deepEqual(
      problems([
        { source: "a", sql: "SELEC 1" },
        { source: "b", sql: "SELECT a FROM t WHERE" },
        { source: "c", sql: "MERGE INTO s.t AS t USING (SELECT 1 AS x) AS s ON t.x = s.x WHEN NOT MATCHED INSERT (x) VALUES (s.x)" },
        { source: "d", sql: "SELECT 1; SELECT 2" },
      ]).map((p) => p.split(" ").slice(0, 2).join(" ")),
      ["a: 1:1", "b: 1:22", "c: 1:78", "c: 1:85", "c: 1:86", "d: 2"],
    );
  });

  it("rejects the Hive-style table DDL the exemption list names, so the exemption is needed and the grammar is Trino's", () => {
    for (const rel of NEVER_SENT) {
      assert.notDeepEqual(
        trinoSyntaxErrors(fs.readFileSync(path.join(SQL_DIR, rel), "utf8")),
        [],
        `${rel} parses as Trino; send it or drop it from NEVER_SENT`,
      );
    }
  });

  it("flags a new file under sql/ that is neither sent nor named, and an exemption for a file that is gone", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "spec-sql-"));
    for (const dir of ["merge", "silver", "fragments"]) fs.mkdirSync(path.join(root, dir));
    fs.writeFileSync(path.join(root, "merge", "x.sql"), "-- retail:include fragments/f.sql\nSELECT 1 FROM s.t;\n");
    fs.writeFileSync(path.join(root, "fragments", "f.sql"), "-- shared\n");
    fs.writeFileSync(path.join(root, "silver", "new_table.sql"), "CREATE TABLE s.new_table (a int);\n");
    const { statements, covered } = sentFromSqlDir(root);
    assert.deepEqual(
      statements.map((s) => s.source),
      ["sql/merge/x.sql statement 1"],
    );
    const found = uncovered(root, covered);
    assert.equal(found[0], "sql/silver/new_table.sql is neither sent to Athena by a handler or a view nor listed in NEVER_SENT");
    assert.ok(found.includes("NEVER_SENT names sql/bronze/cart_events.sql, which does not exist"));
    assert.ok(!found.some((f) => f.includes("fragments/f.sql")), "an included fragment is covered by the file that includes it");
  });

  it("a statement with an unknown placeholder fails to render rather than being sent unfilled", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "spec-sql-"));
    fs.mkdirSync(path.join(root, "merge"));
    fs.writeFileSync(path.join(root, "merge", "x.sql"), "SELECT '{{moon_phase}}';\n");
    assert.throws(() => sentFromSqlDir(root), /unknown placeholder "moon_phase"/);
  });
});
