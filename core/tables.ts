import * as fs from "fs";
import * as path from "path";
import { SQL_DIR } from "./paths";
import { Semantics } from "./lanes";
import { stripComments } from "./sql/text";

/**
 * Table definitions come from the DDL in `sql/` and nowhere else: the Pulumi program, the policy tags,
 * the local lakehouse and the docs all read the same `CREATE TABLE` files, so a schema lives in one place.
 *
 * A DDL file holds one Athena (Trino) `CREATE TABLE [IF NOT EXISTS] <namespace>.<table> (...)` statement,
 * optionally `PARTITIONED BY (<transform>(<column>))`, and a header comment
 * `-- retail:table semantics=event|snapshot [event-time=<column>] [pii=<reader>,...]` that declares what the table
 * is. `pii` marks a table holding personal data (raw emails, email hashes, rows that carry them) and names the only
 * principals that may be granted it, as role-name parts (`ops-merge`, `cart-events-firehose`); the policy pack
 * enforces it on every Lake Formation grant.
 */

/** Athena DDL column types we accept, and the Iceberg type each maps to. */
const ICEBERG_TYPES: Record<string, string> = {
  string: "string",
  bigint: "long",
  int: "int",
  integer: "int",
  double: "double",
  float: "float",
  boolean: "boolean",
  date: "date",
  timestamp: "timestamp",
};

export type { Semantics };
export type PartitionTransform = "identity" | "year" | "month" | "day" | "hour";

export interface ColumnDef {
  readonly name: string;
  /** Type as written in the Athena DDL, e.g. `decimal(12,2)`. */
  readonly sqlType: string;
  /** Iceberg primitive type, e.g. `decimal(12,2)`, `long`. */
  readonly icebergType: string;
}

export interface PartitionField {
  readonly column: string;
  readonly transform: PartitionTransform;
}

export interface TableDef {
  readonly namespace: string;
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  readonly partitionBy: readonly PartitionField[];
  readonly semantics: Semantics;
  /** The column that carries event time, for event tables. */
  readonly eventTimeColumn?: string;
  /** Set for a table of personal data: the role-name parts of the only principals that may be granted it. */
  readonly piiReaders?: readonly string[];
  /** Repository-relative path of the DDL file, for messages. */
  readonly source: string;
}

export class DdlError extends Error {}

function icebergTypeOf(sqlType: string, where: string): string {
  const t = sqlType.toLowerCase();
  const dec = /^decimal\((\d+),\s*(\d+)\)$/.exec(t);
  if (dec) return `decimal(${dec[1]},${dec[2]})`;
  const mapped = ICEBERG_TYPES[t];
  if (!mapped) {
    throw new DdlError(`${where}: column type "${sqlType}" is not supported; use one of ${Object.keys(ICEBERG_TYPES).join(", ")}, decimal(p,s)`);
  }
  return mapped;
}

/** Parse one DDL file's text. `source` names the file in error messages. */
export function parseCreateTable(sql: string, source: string): TableDef {
  const header = /--\s*retail:table\s+([^\n]*)/.exec(sql);
  if (!header) {
    throw new DdlError(`${source}: missing header comment "-- retail:table semantics=event|snapshot [event-time=<column>]"`);
  }
  const attrs = Object.fromEntries(
    header[1]
      .trim()
      .split(/\s+/)
      .map((kv) => kv.split("=") as [string, string]),
  );
  const semantics = attrs["semantics"];
  if (semantics !== "event" && semantics !== "snapshot") {
    throw new DdlError(`${source}: header semantics="${semantics}" must be "event" or "snapshot"`);
  }
  const body = stripComments(sql);
  const head = /create\s+table\s+(?:if\s+not\s+exists\s+)?([a-z0-9_]+)\.([a-z0-9_]+)\s*\(/i.exec(body);
  if (!head) throw new DdlError(`${source}: no "CREATE TABLE <namespace>.<table> (" statement`);
  const [namespace, name] = [head[1], head[2]];
  if (namespace !== namespace.toLowerCase() || name !== name.toLowerCase()) {
    throw new DdlError(`${source}: table name ${namespace}.${name} must be lowercase (Firehose and S3 Tables require it)`);
  }
  // The column list runs to the parenthesis that closes the one after the table name.
  let depth = 1;
  let i = head.index + head[0].length;
  const start = i;
  for (; i < body.length && depth > 0; i++) {
    if (body[i] === "(") depth++;
    if (body[i] === ")") depth--;
  }
  if (depth !== 0) throw new DdlError(`${source}: unbalanced parentheses in the column list`);
  const columnText = body.slice(start, i - 1);
  const columns = columnText
    .split(/,(?![^()]*\))/)
    .map((c) => c.trim())
    .filter((c) => c.length > 0)
    .map((c) => {
      const m = /^([A-Za-z0-9_]+)\s+(.+)$/.exec(c);
      if (!m) throw new DdlError(`${source}: cannot read column definition "${c}"`);
      if (m[1] !== m[1].toLowerCase()) {
        throw new DdlError(`${source}: column "${m[1]}" must be lowercase (Firehose requires lowercase column names)`);
      }
      const sqlType = m[2].replace(/\s+/g, "");
      return { name: m[1], sqlType, icebergType: icebergTypeOf(sqlType, `${source}: column ${m[1]}`) };
    });
  const rest = body.slice(i);
  const partitionBy: PartitionField[] = [];
  const part = /partitioned\s+by\s*\(([^;]*?)\)\s*(?:tblproperties|;|$)/i.exec(rest);
  if (part) {
    for (const field of part[1].split(/,(?![^()]*\))/).map((f) => f.trim())) {
      const fm = /^(year|month|day|hour)\s*\(\s*([a-z0-9_]+)\s*\)$/i.exec(field);
      const column = fm ? fm[2] : field;
      const transform = (fm ? fm[1].toLowerCase() : "identity") as PartitionTransform;
      if (!columns.some((c) => c.name === column)) {
        throw new DdlError(`${source}: partition column "${column}" is not a column of ${namespace}.${name}`);
      }
      partitionBy.push({ column, transform });
    }
  }
  const eventTimeColumn = attrs["event-time"];
  if (semantics === "event") {
    if (!eventTimeColumn) throw new DdlError(`${source}: an event table must declare event-time=<column> in its header`);
    const col = columns.find((c) => c.name === eventTimeColumn);
    if (!col || col.icebergType !== "timestamp") {
      throw new DdlError(`${source}: event-time column "${eventTimeColumn}" must be a timestamp column of ${namespace}.${name}`);
    }
  }
  const piiReaders = attrs["pii"] === undefined ? undefined : attrs["pii"].split(",");
  if (piiReaders && !piiReaders.every((r) => /^[a-z0-9]+(-[a-z0-9]+)*$/.test(r))) {
    throw new DdlError(
      `${source}: header pii="${attrs["pii"]}" must list role-name parts (lowercase words joined by "-"), comma-separated, e.g. pii=ops-merge,cart-events-firehose`,
    );
  }
  return { namespace, name, columns, partitionBy, semantics, eventTimeColumn, ...(piiReaders ? { piiReaders } : {}), source };
}

/** Every table DDL under sql/bronze and sql/silver, keyed by `<namespace>.<table>`. */
export function loadTableDefs(sqlDir: string = SQL_DIR): Map<string, TableDef> {
  const defs = new Map<string, TableDef>();
  for (const layer of ["bronze", "silver"]) {
    const dir = path.join(sqlDir, layer);
    if (!fs.existsSync(dir)) continue;
    for (const file of fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".sql"))
      .sort()) {
      const full = path.join(dir, file);
      const def = parseCreateTable(fs.readFileSync(full, "utf8"), path.relative(path.dirname(sqlDir), full));
      const key = `${def.namespace}.${def.name}`;
      if (def.namespace !== `retail_${layer}`) {
        throw new DdlError(`${def.source}: a table in sql/${layer} must be in namespace retail_${layer}, found ${def.namespace}`);
      }
      if (file !== `${def.name}.sql`) throw new DdlError(`${def.source}: file must be named ${def.name}.sql after its table`);
      defs.set(key, def);
    }
  }
  return defs;
}
