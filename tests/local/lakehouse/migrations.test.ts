import { strict as assert } from "assert";
import { DuckDBInstance } from "@duckdb/node-api";
import { loadSchemaLedger, recordSchemas } from "../../../core/schemaLedger";
import { loadTableDefs, parseCreateTable } from "../../../core/tables";
import { createTableSql, LocalLakehouse } from "../../../local/lakehouse/duckdb";
import { migratedTableStatements } from "../../../local/lakehouse/migrations";

const ddl = (cols: string) =>
  parseCreateTable(
    `-- retail:table semantics=event event-time=event_ts\nCREATE TABLE retail_silver.orders (${cols}) PARTITIONED BY (day(event_ts));`,
    "sql/silver/orders.sql",
  );

/** Column name and DuckDB type of a table, in order. */
async function columns(statements: string[], table: string): Promise<string[]> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    await c.run("CREATE SCHEMA retail_silver");
    for (const s of statements) await c.run(s);
    const rows = (await c.runAndReadAll(`DESCRIBE ${table}`)).getRowObjects();
    return rows.map((r) => `${r.column_name} ${r.column_type}`);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

describe("local lakehouse: tables as migrated, not as created from today's DDL", () => {
  it("creates a table at its first landed version and applies the same additive steps, ending at the DDL's schema", async () => {
    const v1 = ddl("event_id string, qty int, event_ts timestamp");
    const now = ddl("event_id string, qty bigint, event_ts timestamp, store_id string");
    const ledger = recordSchemas([v1], {});
    const statements = migratedTableStatements([now], ledger);
    assert.deepEqual(statements, [
      "CREATE TABLE IF NOT EXISTS retail_silver.orders (event_id VARCHAR, qty INTEGER, event_ts TIMESTAMP)",
      "ALTER TABLE retail_silver.orders ADD COLUMN store_id VARCHAR",
      "ALTER TABLE retail_silver.orders ALTER COLUMN qty TYPE BIGINT",
    ]);
    assert.deepEqual(await columns(statements, "retail_silver.orders"), await columns([createTableSql(now)], "retail_silver.orders"));
  });

  it("the repository's tables, as the lakehouse opens them, have exactly their DDL's columns", async () => {
    const lake = await LocalLakehouse.open();
    try {
      for (const def of loadTableDefs().values()) {
        const rows = await lake.query(`DESCRIBE ${def.namespace}.${def.name}`);
        assert.deepEqual(
          rows.map((r) => r.column_name),
          def.columns.map((c) => c.name),
          `${def.namespace}.${def.name}`,
        );
      }
      assert.ok(Object.keys(loadSchemaLedger()).length >= loadTableDefs().size, "every table is in the ledger");
    } finally {
      lake.close();
    }
  });
});
