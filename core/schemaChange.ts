import type { PartitionField, TableDef } from "./tables";

/**
 * How a table's schema may change once the table holds data. S3 Tables replaces (drops) a table whose
 * `icebergMetadata` changes, so created tables ignore later metadata changes and evolve in place through Athena:
 * additive changes only, which Iceberg applies without rewriting data (docs.aws.amazon.com/athena/latest/ug/
 * querying-iceberg-evolving-table-schema.html). Anything else is refused with the safe procedure.
 */

/** One schema version of a table as landed: its columns in order and its partition spec. */
export interface SchemaVersion {
  readonly version: number;
  readonly columns: readonly { readonly name: string; readonly sqlType: string }[];
  readonly partitionBy: readonly PartitionField[];
}

/** What a step from one version to the next adds or widens. */
export interface SchemaStep {
  readonly version: number;
  readonly add: readonly { readonly name: string; readonly sqlType: string }[];
  readonly widen: readonly { readonly name: string; readonly from: string; readonly to: string }[];
}

export class SchemaChangeError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid table schema change:\n  - ${problems.join("\n  - ")}`);
  }
}

const PROCEDURE =
  "Fix: keep the column as it is; to drop, rename or narrow a column or change the partition spec, create a new table " +
  "(a new DDL file), copy the data with INSERT INTO ... SELECT, switch the merge and the views to it, then retire the old one " +
  "(README, Schema changes).";

const decimal = (t: string) => /^decimal\((\d+),(\d+)\)$/.exec(t.toLowerCase());
const norm = (t: string) =>
  t
    .toLowerCase()
    .replace(/\s+/g, "")
    .replace(/^integer$/, "int");

/** Iceberg's type promotions, the only type changes it makes in place: int→bigint, float→double, a decimal's precision up. */
export function widens(from: string, to: string): boolean {
  const [f, t] = [norm(from), norm(to)];
  if ((f === "int" && t === "bigint") || (f === "float" && t === "double")) return true;
  const [df, dt] = [decimal(f), decimal(t)];
  return !!df && !!dt && df[2] === dt[2] && Number(dt[1]) > Number(df[1]);
}

/**
 * The step from `before` to the DDL's `after`, or the problems that make it unsafe, each naming the file, the column
 * and the procedure. New columns must come after the existing ones (Athena's ADD COLUMNS appends them).
 */
export function schemaStep(before: SchemaVersion, after: SchemaVersion, where: string): { step?: SchemaStep; problems: string[] } {
  const problems: string[] = [];
  const now = new Map(after.columns.map((c) => [c.name, c]));
  const add: { name: string; sqlType: string }[] = [];
  const widen: { name: string; from: string; to: string }[] = [];
  for (const col of before.columns) {
    const c = now.get(col.name);
    if (!c) problems.push(`${where}: column ${col.name} was dropped or renamed; Iceberg data would no longer match it. ${PROCEDURE}`);
    else if (norm(c.sqlType) !== norm(col.sqlType)) {
      if (widens(col.sqlType, c.sqlType)) widen.push({ name: col.name, from: col.sqlType, to: c.sqlType });
      else
        problems.push(
          `${where}: column ${col.name} changes type ${col.sqlType} -> ${c.sqlType}, which is not a widening Iceberg allows in place. ${PROCEDURE}`,
        );
    }
  }
  const prefix = after.columns.slice(0, before.columns.length).map((c) => c.name);
  if (problems.length === 0 && prefix.join() !== before.columns.map((c) => c.name).join()) {
    problems.push(
      `${where}: the existing columns must stay first and in their order (${before.columns.map((c) => c.name).join(", ")}), new ones after them; ` +
        `Athena's ADD COLUMNS appends. Fix: move the new columns to the end of the list.`,
    );
  }
  if (problems.length === 0) add.push(...after.columns.slice(before.columns.length).map((c) => ({ name: c.name, sqlType: c.sqlType })));
  const spec = (p: readonly PartitionField[]) => p.map((f) => `${f.transform}(${f.column})`).join(", ");
  if (spec(before.partitionBy) !== spec(after.partitionBy)) {
    problems.push(`${where}: the partition spec changes from (${spec(before.partitionBy)}) to (${spec(after.partitionBy)}). ${PROCEDURE}`);
  }
  if (problems.length > 0) return { problems };
  if (add.length === 0 && widen.length === 0) return { problems };
  return { step: { version: before.version + 1, add, widen }, problems };
}

/**
 * The Athena DDL of a step (Hive-style, as Athena's Iceberg schema evolution takes it): one ADD COLUMNS for the new
 * columns, one CHANGE COLUMN per widened one.
 */
export function stepStatements(table: string, step: SchemaStep): string[] {
  return [
    ...(step.add.length > 0 ? [`ALTER TABLE ${table} ADD COLUMNS (${step.add.map((c) => `${c.name} ${c.sqlType}`).join(", ")})`] : []),
    ...step.widen.map((w) => `ALTER TABLE ${table} CHANGE COLUMN ${w.name} ${w.name} ${w.to}`),
  ];
}

/** A table's current DDL as a schema version. */
export function versionOf(def: TableDef, version: number): SchemaVersion {
  return { version, columns: def.columns.map((c) => ({ name: c.name, sqlType: c.sqlType })), partitionBy: def.partitionBy };
}
