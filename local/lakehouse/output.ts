import * as fs from "fs";
import * as path from "path";
import { ProductAccounting } from "../../functions/reconcile";
import { LocalLakehouse } from "./duckdb";
import { outSilverTables } from "./products";

/** The silver tables `--out` writes, each as `<dir>/silver/<table>.jsonl`: every product table of sql/silver and the bridge. */
export const OUT_SILVER_TABLES: readonly string[] = outSilverTables();

/**
 * `--out <dir>`: every silver table, the quarantine (with reasons), the duplicates record (each naming the row it
 * duplicates) as JSON Lines, and the accounting as one JSON object, so a platform team can read where each of its
 * bronze rows went. Rows are ordered, so two runs over the same input write the same files.
 */
export async function writeOut(lake: LocalLakehouse, dir: string, accounting: Record<string, ProductAccounting>): Promise<string[]> {
  fs.mkdirSync(path.join(dir, "silver"), { recursive: true });
  const written: string[] = [];
  const copy = async (table: string, file: string) => {
    const target = path.join(dir, file);
    await lake.run(`COPY (SELECT * FROM ${table} ORDER BY ALL) TO '${target.replace(/'/g, "''")}' (FORMAT json)`);
    written.push(target);
  };
  for (const t of OUT_SILVER_TABLES) await copy(`retail_silver.${t}`, path.join("silver", `${t}.jsonl`));
  await copy("retail_silver.quarantine", "quarantine.jsonl");
  await copy("retail_silver.duplicates", "duplicates.jsonl");
  const accountingFile = path.join(dir, "accounting.json");
  fs.writeFileSync(accountingFile, `${JSON.stringify(accounting, null, 2)}\n`);
  written.push(accountingFile);
  return written;
}
