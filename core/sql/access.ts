import { stripComments } from "./text";

/** A table the SQL names, as `namespace.table`, split by whether a statement writes it. */
export interface TableAccess {
  readonly reads: string[];
  readonly writes: string[];
}

const TABLE_REF = /\b(retail_(?:bronze|silver|gold))\.([a-z0-9_]+)\b/g;
const WRITE_REF = /\b(?:MERGE\s+INTO|INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(retail_(?:bronze|silver|gold)\.[a-z0-9_]+)/gi;

/**
 * Whether a product's merge windows refresh the identity bridge first: the bridge reads the product's bronze or
 * silver table, or the product's merge reads the bridge (loyalty resolution). Read from the SQL, so a product that
 * does neither (ERP inventory, loyalty redemptions) does not pay a bridge scan of the window on every run.
 */
export function bridgeUse(product: string, mergeSql: string, bridgeSql: string): boolean {
  const bridgeReads = tableAccess([bridgeSql]).reads;
  return (
    bridgeReads.includes(`retail_bronze.${product}`) ||
    bridgeReads.includes(`retail_silver.${product}`) ||
    tableAccess([mergeSql]).reads.includes("retail_silver.identity_bridge")
  );
}

/** Tables a SQL text reads and writes; comments are ignored. */
export function tableAccess(sqlTexts: readonly string[]): TableAccess {
  const reads = new Set<string>();
  const writes = new Set<string>();
  for (const text of sqlTexts) {
    const code = stripComments(text);
    for (const m of code.matchAll(WRITE_REF)) writes.add(m[1].toLowerCase());
    for (const m of code.matchAll(TABLE_REF)) reads.add(`${m[1]}.${m[2]}`);
  }
  for (const w of writes) reads.delete(w);
  return { reads: [...reads].sort(), writes: [...writes].sort() };
}
