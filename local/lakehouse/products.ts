import * as fs from "fs";
import * as path from "path";
import { SQL_DIR } from "../../core/paths";
import { loadTableDefs, Semantics, TableDef } from "../../core/tables";

/**
 * The data products the local lakehouse runs, read from sql/ as the deployed program reads its stack config: every
 * bronze table (sql/bronze/<product>.sql, its header's semantics) is a product, with its sql/merge/<product>.sql. A
 * sixth product is files and a config row, with no list to extend here (tests/local/lakehouse/products.test.ts holds
 * this list equal to each stack's retail:dataProducts).
 */
export interface LocalProduct {
  readonly name: string;
  readonly semantics: Semantics;
  /** How accounting dates a bronze row (sql/reconcile/accounting.sql): an event by arrival, a snapshot by its day. */
  readonly dayExpression: string;
}

export class ProductFilesError extends Error {}

/** Silver tables that are not a product's rows: `--out` writes quarantine and duplicates on their own, the rest are internal indexes. */
const BOOKKEEPING_SILVER = ["quarantine", "duplicates", "event_keys", "canary_arrivals"];

function need(def: TableDef, column: string, why: string): void {
  if (!def.columns.some((c) => c.name === column)) {
    throw new ProductFilesError(
      `${def.source}: a ${def.semantics} product's bronze table needs a ${column} column (${why}). Fix: add it to the DDL.`,
    );
  }
}

/** Every product under `sqlDir`, snapshots first (the bridge reads silver loyalty_tier before the event merges run), each sorted by name. */
export function localProducts(sqlDir: string = SQL_DIR, defs: Map<string, TableDef> = loadTableDefs(sqlDir)): LocalProduct[] {
  const bronze = [...defs.values()].filter((d) => d.namespace === "retail_bronze");
  const products = bronze.map((def): LocalProduct => {
    if (!fs.existsSync(path.join(sqlDir, "merge", `${def.name}.sql`))) {
      throw new ProductFilesError(`${def.source} has no sql/merge/${def.name}.sql, so its rows would never reach silver. Fix: add the merge file.`);
    }
    if (def.semantics === "snapshot") {
      need(def, "snapshot_date", "accounting counts an extract row on its snapshot day");
      return { name: def.name, semantics: def.semantics, dayExpression: "snapshot_date" };
    }
    need(def, "received_at", "accounting counts an event on its arrival day");
    need(def, "event_time", "a row with no arrival is counted on its event day");
    return {
      name: def.name,
      semantics: def.semantics,
      dayExpression: `coalesce(CAST(received_at AS date),
        CAST(CAST(try(from_iso8601_timestamp(event_time)) AT TIME ZONE 'UTC' AS timestamp) AS date), DATE '1970-01-01')`,
    };
  });
  const rank = (p: LocalProduct) => (p.semantics === "snapshot" ? 0 : 1);
  return products.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

/** Silver tables holding product rows (and the bridge), as `--out` writes them. */
export function outSilverTables(defs: Map<string, TableDef> = loadTableDefs()): string[] {
  return [...defs.values()]
    .filter((d) => d.namespace === "retail_silver" && !BOOKKEEPING_SILVER.includes(d.name))
    .map((d) => d.name)
    .sort();
}

/** The `.sql` names in one folder under `sqlDir`, sorted. */
export function sqlNames(dir: string, sqlDir: string = SQL_DIR): string[] {
  return fs
    .readdirSync(path.join(sqlDir, dir))
    .filter((f) => f.endsWith(".sql"))
    .map((f) => f.slice(0, -".sql".length))
    .sort();
}
