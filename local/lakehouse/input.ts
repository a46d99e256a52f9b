import * as fs from "fs";
import * as path from "path";
import { ColumnDef } from "../../core/tables";
import { LocalLakehouse } from "./duckdb";
import { localProducts } from "./products";

/**
 * `--input <dir>`: a platform team's own bronze rows, `<dir>/<product>.jsonl`, one JSON object per line with the
 * bronze table's column names (sql/bronze/<product>.sql). A product without a file has no rows. Rows are checked
 * here, field by field, so a bad value is refused naming the file, line, field and value rather than cast away;
 * the one exception is received_at, which the platform stamps: a missing or unreadable one loads as NULL and the
 * merge quarantines the row as missing_received_at, as it would on Athena.
 */

export class InputError extends Error {}

/** Every bronze table of sql/bronze (local/lakehouse/products.ts): a new product takes its file with no code. */
export const BRONZE_PRODUCTS: readonly string[] = localProducts()
  .map((p) => p.name)
  .sort();

export interface InputCounts {
  /** Rows loaded per product (0 when the product has no file). */
  readonly rows: Record<string, number>;
  /** Rows whose received_at was missing or unreadable (loaded as NULL, quarantined by the merge). */
  readonly unreadableReceivedAt: number;
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:?\d{2})?$/;

/** A JSON value as the SQL literal of one bronze column, or an error message saying what the column takes. */
function literal(col: ColumnDef, value: unknown): { sql: string } | { error: string } {
  if (value === null || value === undefined) return { sql: "NULL" };
  const t = col.sqlType.toLowerCase();
  if (t === "string") return typeof value === "string" ? { sql: `'${value.replace(/'/g, "''")}'` } : { error: "a string or null" };
  if (t === "int" || t === "integer" || t === "bigint")
    return typeof value === "number" && Number.isSafeInteger(value) ? { sql: String(value) } : { error: "a whole number or null" };
  if (t.startsWith("decimal")) {
    const text = typeof value === "number" && Number.isFinite(value) ? String(value) : typeof value === "string" ? value : "";
    return /^-?\d{1,10}(\.\d{1,2})?$/.test(text)
      ? { sql: `CAST('${text}' AS ${col.sqlType})` }
      : { error: "a number with at most 2 decimals, or null" };
  }
  if (t === "date") return typeof value === "string" && DAY_RE.test(value) ? { sql: `DATE '${value}'` } : { error: "a date YYYY-MM-DD or null" };
  if (t === "timestamp") {
    // Bronze stamps it; an unreadable arrival is the merge's to refuse (missing_received_at), not the loader's.
    return typeof value === "string" && TIMESTAMP_RE.test(value)
      ? { sql: `coalesce(try_cast(try_cast('${value}' AS timestamptz) AT TIME ZONE 'UTC' AS timestamp), try_cast('${value}' AS timestamp))` }
      : { sql: "NULL" };
  }
  return { error: `a value of type ${col.sqlType} (not supported by --input)` };
}

/** Load every `<dir>/<product>.jsonl` into its bronze table; a file for no bronze product is an error. */
export async function loadInput(lake: LocalLakehouse, dir: string): Promise<InputCounts> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new InputError(`--input ${JSON.stringify(dir)} is not a directory; pass a folder holding <product>.jsonl files`);
  }
  const known = new Set<string>(BRONZE_PRODUCTS);
  for (const f of fs.readdirSync(dir)) {
    if (f.endsWith(".jsonl") && !known.has(f.slice(0, -".jsonl".length))) {
      throw new InputError(`${path.join(dir, f)} names no bronze product; use one of ${BRONZE_PRODUCTS.map((p) => `${p}.jsonl`).join(", ")}`);
    }
  }
  const rows: Record<string, number> = {};
  let unreadableReceivedAt = 0;
  for (const product of BRONZE_PRODUCTS) {
    rows[product] = 0;
    const file = path.join(dir, `${product}.jsonl`);
    if (!fs.existsSync(file)) continue;
    const def = lake.tables.get(`retail_bronze.${product}`)!;
    const names = new Set(def.columns.map((c) => c.name));
    const values: string[] = [];
    const lines = fs.readFileSync(file, "utf8").split("\n");
    for (let i = 0; i < lines.length; i++) {
      const where = `${file}:${i + 1}`;
      if (lines[i].trim() === "") continue;
      let obj: unknown;
      try {
        obj = JSON.parse(lines[i]);
      } catch (e) {
        throw new InputError(`${where} is not JSON (${(e as Error).message}); write one JSON object per line`);
      }
      if (typeof obj !== "object" || obj === null || Array.isArray(obj))
        throw new InputError(`${where} is not a JSON object; write one object per line`);
      const record = obj as Record<string, unknown>;
      for (const k of Object.keys(record)) {
        if (!names.has(k))
          throw new InputError(
            `${where}: field ${JSON.stringify(k)} is not a column of retail_bronze.${product}; its columns are ${[...names].join(", ")}`,
          );
      }
      const cells = def.columns.map((col) => {
        const r = literal(col, record[col.name]);
        if ("error" in r) throw new InputError(`${where}: ${col.name} is ${JSON.stringify(record[col.name])}; expected ${r.error}`);
        if (col.name === "received_at" && r.sql === "NULL") unreadableReceivedAt++;
        return r.sql;
      });
      values.push(`(${cells.join(", ")})`);
    }
    for (let i = 0; i < values.length; i += 5000) {
      await lake.run(`INSERT INTO retail_bronze.${product} VALUES ${values.slice(i, i + 5000).join(",\n")}`);
    }
    rows[product] = values.length;
  }
  return { rows, unreadableReceivedAt };
}
