import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalLakehouse } from "./duckdb";

/** The KPI the pruning measurement runs, and the silver tables it reads. */
const KPI_VIEW = "gold/omnichannel/conversion_rate.sql";
export const KPI_TABLES = ["retail_silver.cart_events", "retail_silver.order_events"];

export interface PruningResult {
  readonly oneDayBytes: number;
  readonly allDaysBytes: number;
  readonly ratio: number;
}

/**
 * Bytes this process read through read(2)/pread(2) so far. DuckDB's own `total_bytes_read` profiling metric stays
 * near zero for Parquet scans in 1.5.6 (measured), so the kernel's per-process rchar counter is the honest one;
 * with DuckDB's external file cache off, every scan reads the file again.
 */
function bytesRead(): number {
  const m = /rchar:\s*(\d+)/.exec(fs.readFileSync("/proc/self/io", "utf8"));
  if (!m) throw new Error("cannot read rchar from /proc/self/io; pruning is measured on Linux only");
  return Number(m[1]);
}

export async function bytesFor(lake: LocalLakehouse, sql: string): Promise<number> {
  const before = bytesRead();
  await lake.query(sql);
  return bytesRead() - before;
}

/**
 * On the silver tables a KPI reads, written by withParquet as day-partitioned Parquet (as S3 Tables stores Iceberg
 * data files), point a second DuckDB at them through the same gold view, and compare what a one-day query reads with
 * a full scan.
 *
 * Why the day predicate is applied at the scan: Trino unwraps `CAST(event_ts AS date) = d` above the view's
 * GROUP BY into a partition predicate for the Iceberg scan. DuckDB 1.5.6 pushes it below the GROUP BY but keeps it
 * as a FILTER over a full READ_PARQUET (measured with EXPLAIN), so here the one-day views carry that partition
 * predicate themselves, as Iceberg planning would, and DuckDB's Parquet reader decides what it actually reads.
 */
export async function measurePruningIn(dir: string, day: string): Promise<PruningResult> {
  const reader = await LocalLakehouse.open();
  try {
    // An empty table exports no files (an --input run without carts): the reader keeps its own empty table.
    const exported = KPI_TABLES.filter((t) => fs.existsSync(path.join(dir, t)) && fs.readdirSync(path.join(dir, t)).length > 0);
    for (const table of exported) await reader.run(`DROP TABLE ${table}`);
    const pointAt = async (partitionPredicate: string) => {
      for (const table of exported) {
        await reader.run(
          `CREATE OR REPLACE VIEW ${table} AS SELECT * EXCLUDE (part_day) ` +
            `FROM read_parquet('${path.join(dir, table)}/*/*.parquet', hive_partitioning = true) WHERE ${partitionPredicate}`,
        );
      }
      await reader.runFile(KPI_VIEW);
    };
    await pointAt("true");
    const allDaysBytes = await bytesFor(reader, "SELECT * FROM retail_gold.conversion_rate");
    await pointAt(`part_day = DATE '${day}'`);
    const oneDayBytes = await bytesFor(reader, `SELECT * FROM retail_gold.conversion_rate WHERE day = DATE '${day}'`);
    return { oneDayBytes, allDaysBytes, ratio: allDaysBytes === 0 ? 0 : oneDayBytes / allDaysBytes };
  } finally {
    reader.close();
  }
}

/** Export `tables` as day-partitioned Parquet under a temporary folder (`<dir>/<table>/part_day=…`), run `use`, remove it. */
export async function withParquet<T>(lake: LocalLakehouse, tables: readonly string[], use: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-parquet-"));
  try {
    for (const table of tables) await lake.exportParquet(table, path.join(dir, table));
    return await use(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
