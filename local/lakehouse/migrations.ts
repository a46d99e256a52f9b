import type { SchemaLedger } from "../../core/schemaLedger";
import { planMigrations } from "../../core/schemaLedger";
import type { TableDef } from "../../core/tables";

/**
 * The tables as AWS holds them: each created at its first landed version (sql/schemas.lock.json), then taken through
 * the same steps its TableMigration runs on Athena, in DuckDB's spelling (ADD COLUMN per column, ALTER COLUMN … TYPE
 * for a widening). A table the ledger has not seen is created from its DDL, as S3 Tables creates a new one.
 */
export function migratedTableStatements(defs: readonly TableDef[], ledger: SchemaLedger): string[] {
  const plans = new Map(planMigrations(defs, ledger).map((p) => [p.table, p]));
  return defs.flatMap((def) => {
    const table = `${def.namespace}.${def.name}`;
    const first = ledger[table]?.[0];
    const base = first ? { ...def, columns: first.columns } : def;
    const steps = first ? (plans.get(table)?.steps ?? []) : [];
    return [
      createTableSql(base),
      ...steps.flatMap((s) => [
        ...s.add.map((c) => `ALTER TABLE ${table} ADD COLUMN ${c.name} ${duckdbType(c.sqlType)}`),
        ...s.widen.map((w) => `ALTER TABLE ${table} ALTER COLUMN ${w.name} TYPE ${duckdbType(w.to)}`),
      ]),
    ];
  });
}

/** DuckDB type for an Athena DDL type; DuckDB keeps the same names except `string`. */
export function duckdbType(sqlType: string): string {
  const t = sqlType.toLowerCase();
  if (t === "string") return "VARCHAR";
  if (t === "int") return "INTEGER";
  return t.toUpperCase();
}

/** The DuckDB CREATE TABLE for a parsed DDL: Iceberg partitioning and table properties have no DuckDB meaning. */
export function createTableSql(
  def: Pick<TableDef, "namespace" | "name"> & { readonly columns: readonly { name: string; sqlType: string }[] },
): string {
  const cols = def.columns.map((c) => `${c.name} ${duckdbType(c.sqlType)}`).join(", ");
  return `CREATE TABLE IF NOT EXISTS ${def.namespace}.${def.name} (${cols})`;
}
