import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { mockClient } from "aws-sdk-client-mock";
import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import { AthenaViewOutputs, deleteView } from "../../components/athenaViewDdl";
import { viewStatement } from "../../core/kpiCatalog";
import { SQL_DIR } from "../../core/paths";
import { loadSql } from "../../core/sql/files";
import { placeholdersOf, renderSql } from "../../core/sql/render";
import { splitStatements } from "../../core/sql/text";
import { ProgramRun } from "../../local/harness";
import { runStack, TEST_SALT } from "../support/stacks";
import { trinoSyntaxErrors } from "./trino";

/**
 * Every statement the platform sends to Athena, judged by Trino's grammar: the handlers' SQL rendered as they render
 * it, the gold views as the AthenaView resource runs them, and what the plans hand to Athena (view DDL, QuickSight
 * custom SQL, the DROP a deleted view runs). Each failure names the statement's source and Trino's error.
 */

/** Folders whose files the merge, reconcile and freshness handlers load (components/operations/plan.ts), rendered then split. */
const HANDLER_DIRS = ["merge", "bridge", "reconcile", "freshness", "canary", "coverage"];
/** Gold views: one CREATE OR REPLACE VIEW per file and channel mode, sent whole (core/kpiCatalog.ts viewStatement). */
const GOLD_DIRS = ["gold/omnichannel", "gold/store-only"];
/**
 * Hive-style table DDL: read into the tables' resource definitions, never sent to Athena. Named one by one, so a new
 * file under sql/ is either sent (and parsed) or added here on purpose.
 */
const NEVER_SENT = [
  "bronze/cart_events.sql",
  "bronze/erp_inventory.sql",
  "bronze/loyalty_redemptions.sql",
  "bronze/loyalty_tier.sql",
  "bronze/pos_transactions.sql",
  "silver/canary_arrivals.sql",
  "silver/cart_events.sql",
  "silver/duplicates.sql",
  "silver/erp_inventory.sql",
  "silver/event_keys.sql",
  "silver/identity_bridge.sql",
  "silver/loyalty_redemptions.sql",
  "silver/loyalty_tier.sql",
  "silver/order_events.sql",
  "silver/quarantine.sql",
];

/** A valid value for each placeholder, in the form the handlers pass (functions/merge.ts, reconcile.ts, freshness.ts). */
const SAMPLE_PARAMS: Record<string, string> = {
  window_start: "2026-07-01 00:00:00",
  window_end: "2026-07-01 00:30:00",
  since: "2026-06-24 10:00:00",
  day: "2026-07-01",
  email_salt: TEST_SALT,
};

interface Statement {
  readonly source: string;
  readonly sql: string;
}

const INCLUDE_LINE = /^[ \t]*-- retail:include (\S+)[ \t]*$/gm;

function sqlFilesUnder(root: string, dir = ""): string[] {
  return fs
    .readdirSync(path.join(root, dir), { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? sqlFilesUnder(root, path.posix.join(dir, e.name)) : e.name.endsWith(".sql") ? [path.posix.join(dir, e.name)] : [],
    )
    .sort();
}

/** The statements a handler sends for one file: includes expanded, placeholders filled, one statement per call. */
function handlerStatements(rel: string, root: string): Statement[] {
  const text = loadSql(rel, root);
  const params = Object.fromEntries(placeholdersOf(text).map((name) => [name, SAMPLE_PARAMS[name] ?? `(no sample for {{${name}}})`]));
  return splitStatements(renderSql(text, params)).map((sql, i) => ({ source: `sql/${rel} statement ${i + 1}`, sql }));
}

/** What the platform sends from sql/, and which files it covers (sent, or included by a sent file). */
function sentFromSqlDir(root: string): { statements: Statement[]; covered: Set<string> } {
  const statements: Statement[] = [];
  const covered = new Set<string>();
  for (const rel of sqlFilesUnder(root)) {
    const dir = path.posix.dirname(rel);
    if (HANDLER_DIRS.includes(dir)) statements.push(...handlerStatements(rel, root));
    else if (GOLD_DIRS.includes(dir)) statements.push({ source: `sql/${rel}`, sql: viewStatement(fs.readFileSync(path.join(root, rel), "utf8")) });
    else continue;
    covered.add(rel);
    for (const m of fs.readFileSync(path.join(root, rel), "utf8").matchAll(INCLUDE_LINE)) covered.add(m[1]);
  }
  return { statements, covered };
}

/** Files under sql/ that are neither sent, included by a sent file, nor named as never sent; and stale exemptions. */
function uncovered(root: string, covered: Set<string>): string[] {
  const files = sqlFilesUnder(root);
  return [
    ...files
      .filter((f) => !covered.has(f) && !NEVER_SENT.includes(f))
      .map((f) => `sql/${f} is neither sent to Athena by a handler or a view nor listed in NEVER_SENT`),
    ...NEVER_SENT.filter((f) => !files.includes(f)).map((f) => `NEVER_SENT names sql/${f}, which does not exist`),
    ...NEVER_SENT.filter((f) => covered.has(f)).map((f) => `NEVER_SENT names sql/${f}, which is sent to Athena`),
  ];
}

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
