import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SchemaChangeError, SchemaVersion, schemaStep, stepStatements, widens } from "../../core/schemaChange";
import { LEDGER_FILE, loadSchemaLedger, planMigrations, recordSchemas } from "../../core/schemaLedger";
import { loadTableDefs, parseCreateTable, TableDef } from "../../core/tables";

const v1: SchemaVersion = {
  version: 1,
  columns: [
    { name: "event_id", sqlType: "string" },
    { name: "qty", sqlType: "int" },
    { name: "event_ts", sqlType: "timestamp" },
    { name: "revenue", sqlType: "decimal(12,2)" },
  ],
  partitionBy: [{ column: "event_ts", transform: "day" }],
};

/** The orders DDL with `columns` as its column list (and `partition` as its spec). */
function ddl(columns: string, partition = "day(event_ts)"): TableDef {
  return parseCreateTable(
    `-- retail:table semantics=event event-time=event_ts\nCREATE TABLE IF NOT EXISTS retail_silver.orders (\n${columns}\n)\nPARTITIONED BY (${partition});`,
    "sql/silver/orders.sql",
  );
}
const V1_COLUMNS = "event_id string, qty int, event_ts timestamp, revenue decimal(12,2)";
const asVersion = (d: TableDef, version = 2): SchemaVersion => ({ version, columns: d.columns, partitionBy: d.partitionBy });
const step = (d: TableDef) => schemaStep(v1, asVersion(d), "sql/silver/orders.sql (retail_silver.orders)");

describe("schema changes: additive in place, anything else refused with the procedure", () => {
  it("widens only as Iceberg promotes types: int to bigint, float to double, a decimal's precision up at the same scale", () => {
    for (const [from, to] of [
      ["int", "bigint"],
      ["integer", "bigint"],
      ["float", "double"],
      ["decimal(12,2)", "decimal(14,2)"],
    ])
      assert.ok(widens(from, to), `${from} -> ${to}`);
    for (const [from, to] of [
      ["bigint", "int"],
      ["double", "float"],
      ["decimal(12,2)", "decimal(12,2)"],
      ["decimal(12,2)", "decimal(10,2)"],
      ["decimal(12,2)", "decimal(14,3)"],
      ["int", "string"],
      ["string", "int"],
    ])
      assert.ok(!widens(from, to), `${from} -> ${to}`);
  });

  it("a new nullable column at the end is version 2 with one ADD COLUMNS; no change is no step", () => {
    const { step: s, problems } = step(ddl(`${V1_COLUMNS}, store_id string, units bigint`));
    assert.deepEqual(problems, []);
    assert.deepEqual(s, {
      version: 2,
      add: [
        { name: "store_id", sqlType: "string" },
        { name: "units", sqlType: "bigint" },
      ],
      widen: [],
    });
    assert.deepEqual(stepStatements("retail_silver.orders", s!), ["ALTER TABLE retail_silver.orders ADD COLUMNS (store_id string, units bigint)"]);
    assert.deepEqual(step(ddl(V1_COLUMNS)), { problems: [] });
  });

  it("a widened column is a CHANGE COLUMN to the wider type", () => {
    const { step: s } = step(ddl("event_id string, qty bigint, event_ts timestamp, revenue decimal(14,2)"));
    assert.deepEqual(stepStatements("t", s!), [
      "ALTER TABLE t CHANGE COLUMN qty qty bigint",
      "ALTER TABLE t CHANGE COLUMN revenue revenue decimal(14,2)",
    ]);
  });

  it("refuses a dropped (or renamed) column, a narrowed or retyped one, a reorder, a column before the old ones and a new partition spec, naming file and column", () => {
    const cases: [string, TableDef, RegExp][] = [
      ["drop", ddl("event_id string, event_ts timestamp, revenue decimal(12,2)"), /column qty was dropped or renamed/],
      ["rename", ddl("event_id string, quantity int, event_ts timestamp, revenue decimal(12,2)"), /column qty was dropped or renamed/],
      [
        "narrow",
        ddl("event_id string, qty int, event_ts timestamp, revenue decimal(10,2)"),
        /column revenue changes type decimal\(12,2\) -> decimal\(10,2\)/,
      ],
      ["retype", ddl("event_id string, qty string, event_ts timestamp, revenue decimal(12,2)"), /column qty changes type int -> string/],
      ["reorder", ddl("qty int, event_id string, event_ts timestamp, revenue decimal(12,2)"), /existing columns must stay first and in their order/],
      ["insert", ddl("event_id string, store_id string, qty int, event_ts timestamp, revenue decimal(12,2)"), /existing columns must stay first/],
      ["partition", ddl(V1_COLUMNS, "month(event_ts)"), /partition spec changes from \(day\(event_ts\)\) to \(month\(event_ts\)\)/],
    ];
    for (const [what, def, message] of cases) {
      const r = step(def);
      assert.equal(r.step, undefined, what);
      assert.equal(r.problems.length, 1, `${what}: ${r.problems.join(" | ")}`);
      assert.match(r.problems[0], /^sql\/silver\/orders\.sql \(retail_silver\.orders\): /, what);
      assert.match(r.problems[0], message, what);
      assert.match(r.problems[0], /Fix: /, what);
    }
    assert.match(step(cases[0][1]).problems[0], /create a new table .* copy the data with INSERT INTO \.\.\. SELECT, switch the merge and the views/);
  });
});

describe("schema ledger (sql/schemas.lock.json)", () => {
  const orders = (cols: string) => ddl(cols);
  const ledger = { "retail_silver.orders": [asVersion(ddl(V1_COLUMNS), 1)] };

  it("plans version 1 with no steps for a table it has not seen, and the DDL's additive step as pending", () => {
    assert.deepEqual(planMigrations([orders(V1_COLUMNS)], {}), [{ table: "retail_silver.orders", version: 1, steps: [] }]);
    const [p] = planMigrations([orders(`${V1_COLUMNS}, store_id string`)], ledger);
    assert.equal(p.version, 2);
    assert.deepEqual(p.pending?.add, [{ name: "store_id", sqlType: "string" }]);
    assert.deepEqual(p.steps, [p.pending]);
  });

  it("keeps every landed step, oldest first, once recorded; recording twice changes nothing", () => {
    const recorded = recordSchemas([orders(`${V1_COLUMNS}, store_id string`)], ledger);
    assert.equal(recorded["retail_silver.orders"].length, 2);
    assert.deepEqual(recordSchemas([orders(`${V1_COLUMNS}, store_id string`)], recorded), recorded);
    const [p] = planMigrations([orders(`${V1_COLUMNS}, store_id string, units bigint`)], recorded);
    assert.deepEqual(
      p.steps.map((s) => [s.version, s.add.map((c) => c.name)]),
      [
        [2, ["store_id"]],
        [3, ["units"]],
      ],
    );
  });

  it("refuses a DDL that drops a landed column with a SchemaChangeError naming the file, even when the drop is of a recorded version's column", () => {
    const recorded = recordSchemas([orders(`${V1_COLUMNS}, store_id string`)], ledger);
    assert.throws(
      () => planMigrations([orders(V1_COLUMNS)], recorded),
      (e: unknown) =>
        e instanceof SchemaChangeError &&
        /^invalid table schema change:\n {2}- sql\/silver\/orders\.sql .*column store_id was dropped/.test(e.message),
    );
  });

  it("refuses an unreadable ledger file, naming it and the fix", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ledger-"));
    for (const [text, why] of [
      ["{not json", /JSON/],
      ['{"retail_silver.orders":[{"version":2,"columns":[],"partitionBy":[]}]}', /\(retail_silver\.orders\): not a ledger of versions 1, 2/],
    ]) {
      fs.writeFileSync(path.join(dir, "schemas.lock.json"), text as string);
      assert.throws(
        () => loadSchemaLedger(path.join(dir, "schemas.lock.json")),
        (e: unknown) => e instanceof SchemaChangeError && (why as RegExp).test(e.message) && /npm run schema:lock/.test(e.message),
      );
    }
    assert.deepEqual(loadSchemaLedger(path.join(dir, "absent.json")), {});
  });

  it("the committed ledger records every DDL file at its current version (run npm run schema:lock with a schema change)", () => {
    const defs = [...loadTableDefs().values()];
    const committed = loadSchemaLedger();
    assert.ok(fs.existsSync(LEDGER_FILE));
    assert.deepEqual(recordSchemas(defs, committed), committed);
    for (const p of planMigrations(defs, committed)) assert.equal(p.pending, undefined, p.table);
  });
});
