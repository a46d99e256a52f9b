import * as fs from "fs";
import { DuckDBConnection, DuckDBDecimalValue, DuckDBInstance } from "@duckdb/node-api";
import { loadTableDefs, TableDef } from "../../core/tables";
import { loadSql } from "../../core/sql/files";
import { renderSql } from "../../core/sql/render";
import { splitStatements } from "../../core/sql/text";
import { loadSchemaLedger } from "../../core/schemaLedger";
import { EMAIL_SALT_REF, EMAIL_SALT_TABLE } from "../../core/emailSalt";
import { migratedTableStatements } from "./migrations";

export { createTableSql, duckdbType } from "./migrations";

/**
 * Compatibility macros: the only place where DuckDB is taught Trino's (Athena engine v3) spelling, so the files
 * under sql/ run unchanged on both engines. Each macro fixes a name, never a meaning; the differences were measured
 * on DuckDB 1.5.6 and are pinned by tests/local/lakehouse/pipeline.test.ts:
 * - to_utf8: Trino's varchar -> varbinary is DuckDB's encode().
 * - sha256: Trino returns varbinary, DuckDB returns lowercase hex text; re-binarise so Trino's to_hex() (uppercase
 *   hex in both engines) and lower() around it give the same email_hash as node's crypto (pinned vector).
 * - from_iso8601_timestamp: DuckDB parses ISO-8601 with offsets through a TIMESTAMPTZ cast (session TimeZone is
 *   UTC, so `AT TIME ZONE 'UTC'` then yields the UTC wall time in both engines). The cast also takes forms Trino's
 *   ISO-8601 parser refuses: a space for the 'T', a trailing ' UTC', leading or trailing whitespace, 'infinity',
 *   'epoch' and hour 24; the macro refuses them before casting (cheap string tests, not a regex, as it runs on every
 *   bronze row), so a timestamp Athena would quarantine is quarantined locally too (pinned by tests).
 *   The cast is a try_cast: the SQL only ever calls the function as `try(from_iso8601_timestamp(...))` (pinned by
 *   tests/sql/sql.test.ts), where Trino's error and DuckDB's NULL both come out as NULL. A plain CAST that throws
 *   inside try() makes DuckDB re-run the whole batch row by row, and one malformed row in ~1,500 puts nearly every
 *   batch on that path: 1.7 s against 0.2 s per 7M bronze rows, paid by every merge, quarantine and naive scan.
 * - regexp_like: Trino's name for DuckDB's regexp_matches (true when the pattern matches anywhere in the string).
 * Not bridged on purpose: decimal division and avg(decimal) (DOUBLE in DuckDB, DECIMAL in Trino) and
 * approx_distinct. The SQL casts KPI ratios to double explicitly and uses count(DISTINCT ...) instead.
 */
export const COMPAT_MACROS: readonly string[] = [
  "CREATE OR REPLACE MACRO to_utf8(x) AS encode(x)",
  "CREATE OR REPLACE MACRO sha256(x) AS unhex(system.main.sha256(x))",
  "CREATE OR REPLACE MACRO from_iso8601_timestamp(x) AS CASE WHEN (substr(x, 11, 1) = 'T' OR length(x) = 10) AND NOT contains(x, ' ') " +
    "AND ascii(right(x, 1)) > 32 AND substr(x, 12, 2) <> '24' THEN try_cast(x AS TIMESTAMPTZ) END",
  "CREATE OR REPLACE MACRO regexp_like(s, pattern) AS regexp_matches(s, pattern)",
];

export type Row = Record<string, unknown>;

export interface LakehouseOptions {
  /** DuckDB database file; in memory when omitted. A file lets DuckDB spill and compress at 10M+ events. */
  readonly path?: string;
  readonly threads?: number;
  readonly memoryLimit?: string;
  /** Where DuckDB spills when memoryLimit is reached; DuckDB's default is `.tmp` in the working directory. */
  readonly tempDirectory?: string;
}

/** The expression Parquet export partitions on, mirroring the Iceberg partition spec of the DDL. */
export function partitionExpression(def: TableDef): string | undefined {
  const field = def.partitionBy[0];
  if (!field) return undefined;
  return field.transform === "identity" ? field.column : `CAST(${field.column} AS DATE)`;
}

function toPlain(value: unknown): unknown {
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  if (value !== null && typeof value === "object") return String(value);
  return value;
}

/** An embedded DuckDB holding the lakehouse tables, running the same sql/ files Athena runs. */
export class LocalLakehouse {
  readonly tables: Map<string, TableDef>;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {
    this.tables = loadTableDefs();
  }

  static async open(options: LakehouseOptions = {}): Promise<LocalLakehouse> {
    const config: Record<string, string> = {};
    if (options.threads) config.threads = String(options.threads);
    if (options.memoryLimit) config.memory_limit = options.memoryLimit;
    if (options.tempDirectory) config.temp_directory = options.tempDirectory;
    const instance = await DuckDBInstance.create(options.path ?? ":memory:", config);
    const lake = new LocalLakehouse(instance, await instance.connect());
    await lake.install();
    return lake;
  }

  private async install(): Promise<void> {
    // ICU is statically linked but only loads on first use, so the zone is set after connecting, not in config.
    await this.exec("SET TimeZone = 'UTC'");
    // Re-reading a Parquet file must hit the disk again, or pruning measurements would read from the cache.
    await this.exec("SET enable_external_file_cache = false");
    // Engine tuning only, no meaning changes (measured on the bench's 10M run; results and digests identical):
    // - DuckDB's CTE filter pusher copies the filters of a materialized CTE's readers into it, so a statement that
    //   reads `reason IS NULL` and `reason IS NOT NULL` rows of one CTE evaluates the validity rule, timestamp parse
    //   included, twice more per bronze row (the cart quarantine statement: 10 s -> 6 s at 10M without it).
    // - Nothing here depends on the order of rows a statement without ORDER BY returns, so DuckDB need not keep it:
    //   inserts and aggregates over 7M-row windows then stream instead of buffering in order (~8 % of the merge).
    // - DuckDB's allocator keeps memory a statement freed for the next one unless told to hand it back: a 10M run under
    //   a 2 GB limit then peaked at 3.16-3.35 GiB (the key index and duplicates statements); flushed after every task
    //   above 16 MB, by a background thread, the same statements peak at 2.27 GiB in the same time.
    await this.exec("SET disabled_optimizers = 'cte_filter_pusher'");
    await this.exec("SET preserve_insertion_order = false");
    await this.exec("SET allocator_background_threads = true");
    await this.exec("SET allocator_flush_threshold = '16MB'");
    for (const macro of COMPAT_MACROS) await this.exec(macro);
    const namespaces = new Set([...this.tables.values()].map((d) => d.namespace));
    for (const ns of [...namespaces, "retail_gold"]) await this.exec(`CREATE SCHEMA IF NOT EXISTS ${ns}`);
    for (const sql of migratedTableStatements([...this.tables.values()], loadSchemaLedger())) await this.exec(sql);
    // The salt table lives in the default catalog on AWS; a database of the same name keeps the SQL unchanged.
    await this.exec(`ATTACH ':memory:' AS ${EMAIL_SALT_TABLE.catalog}`);
    await this.exec(`CREATE SCHEMA ${EMAIL_SALT_TABLE.catalog}.${EMAIL_SALT_TABLE.database}`);
    await this.exec(`CREATE TABLE ${EMAIL_SALT_REF} (${EMAIL_SALT_TABLE.column} VARCHAR)`);
  }

  /** Write the salt table's one row, as the platform's deployment does; bound, never spliced into SQL text. */
  async setEmailSalt(salt: string): Promise<void> {
    await this.exec(`DELETE FROM ${EMAIL_SALT_REF}`);
    await this.connection.run(`INSERT INTO ${EMAIL_SALT_REF} VALUES ($1)`, [salt]);
  }

  private async exec(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  /** Rows of one statement, with BIGINT as number (when safe), DECIMAL as number, dates and timestamps as text. */
  async query(sql: string): Promise<Row[]> {
    const reader = await this.connection.runAndReadAll(sql);
    const rows = reader.getRowObjects();
    return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, toPlain(v)])));
  }

  /** Run every statement of a SQL text in order; returns the rows of the last one. */
  async run(sqlText: string): Promise<Row[]> {
    let rows: Row[] = [];
    for (const statement of splitStatements(sqlText)) rows = await this.query(statement);
    return rows;
  }

  /** Load a file under sql/, render its placeholders (validated) and run it. */
  async runFile(relPath: string, params: Record<string, string> = {}): Promise<Row[]> {
    return this.run(renderSql(loadSql(relPath), params));
  }

  /**
   * Write a table as Parquet, hive-partitioned by the same day (or identity) value the Iceberg spec uses, sorted
   * on it so each file's row groups hold one day, as Iceberg data files of a day partition do.
   */
  async exportParquet(table: string, dir: string): Promise<void> {
    const def = this.tables.get(table);
    if (!def) throw new Error(`unknown table ${table}; known tables are ${[...this.tables.keys()].join(", ")}`);
    const part = partitionExpression(def);
    fs.rmSync(dir, { recursive: true, force: true });
    const partitionClause = part ? `, PARTITION_BY (part_day)` : "";
    const select = part ? `SELECT *, ${part} AS part_day FROM ${table} ORDER BY part_day` : `SELECT * FROM ${table}`;
    await this.exec(`COPY (${select}) TO '${dir}' (FORMAT parquet${partitionClause})`);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
