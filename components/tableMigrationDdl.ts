import { AthenaClient, GetQueryResultsCommand } from "@aws-sdk/client-athena";
import { SchemaStep, stepStatements, widens } from "../core/schemaChange";
import { AthenaDdlError, RunOptions, runStatement } from "./athenaViewDdl";

/**
 * Bring an S3 Tables table to its target schema version through Athena, idempotently: the table's own columns
 * (information_schema) are read first, and each step runs only what the table still lacks, in order. So a run that
 * stopped half-way, a table created already at the target version, and a re-run all end at the same schema.
 * Columns are never dropped: delete is a no-op, and a step the ledger does not allow never reaches here.
 */

export interface TableMigrationInputs {
  /** `<namespace>.<table>`. */
  readonly table: string;
  /** `s3tablescatalog/<table-bucket-name>`. */
  readonly catalog: string;
  readonly workGroup: string;
  readonly region: string;
  /** The schema version the table is brought to, and every step since version 1, oldest first. */
  readonly version: number;
  readonly steps: readonly SchemaStep[];
}

export interface TableMigrationOutputs extends TableMigrationInputs {
  /** The statements the last create or update ran (empty when the table already had them). */
  readonly applied: readonly string[];
}

/** Column name → type as Athena reports the table today. */
export async function currentColumns(client: AthenaClient, inputs: TableMigrationInputs, opts?: RunOptions): Promise<Map<string, string>> {
  const [namespace, name] = inputs.table.split(".");
  const id = await runStatement(
    client,
    {
      sql: `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = '${namespace}' AND table_name = '${name}'`,
      database: namespace,
      workGroup: inputs.workGroup,
      catalog: inputs.catalog,
    },
    opts,
  );
  const columns = new Map<string, string>();
  let token: string | undefined;
  let first = true;
  do {
    const page = await client.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token }));
    const rows = page.ResultSet?.Rows ?? [];
    for (const row of first ? rows.slice(1) : rows) {
      const [c, t] = (row.Data ?? []).map((d) => d.VarCharValue ?? "");
      columns.set(c, t);
    }
    first = false;
    token = page.NextToken;
  } while (token);
  if (columns.size === 0)
    throw new AthenaDdlError(`${inputs.table}: information_schema has no columns for it in ${inputs.catalog}; is the table created?`);
  return columns;
}

/** Athena reports `varchar` for string, `integer` for int, `decimal(p,s)` as is. */
const sameType = (athena: string, ddl: string) => {
  const [a, d] = [athena.toLowerCase().replace(/\s+/g, ""), ddl.toLowerCase().replace(/\s+/g, "")];
  return a === d || (a === "varchar" && d === "string") || (a === "integer" && d === "int");
};

/** What each step still has to do against the table's current columns. */
export function remainingSteps(steps: readonly SchemaStep[], columns: ReadonlyMap<string, string>): SchemaStep[] {
  return steps
    .map((s) => ({
      version: s.version,
      add: s.add.filter((c) => !columns.has(c.name)),
      widen: s.widen.filter((w) => {
        const now = columns.get(w.name);
        return now !== undefined && !sameType(now, w.to) && !widens(w.to, now);
      }),
    }))
    .filter((s) => s.add.length > 0 || s.widen.length > 0);
}

export async function migrateTable(client: AthenaClient, inputs: TableMigrationInputs, opts?: RunOptions): Promise<TableMigrationOutputs> {
  const [namespace] = inputs.table.split(".");
  const todo = remainingSteps(inputs.steps, await currentColumns(client, inputs, opts));
  const applied: string[] = [];
  for (const step of todo) {
    for (const sql of stepStatements(inputs.table, step)) {
      await runStatement(client, { sql, database: namespace, workGroup: inputs.workGroup, catalog: inputs.catalog }, opts);
      applied.push(sql);
    }
  }
  return { ...inputs, applied };
}

/** A different table, catalog or Region is another resource; a new version or workgroup is an update. */
export function diffMigration(
  olds: TableMigrationOutputs,
  news: TableMigrationInputs,
): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const replaces = (["table", "catalog", "region"] as const).filter((k) => olds[k] !== news[k]);
  if (replaces.length === 0 && news.version < olds.version) {
    throw new AthenaDdlError(
      `${news.table}: the target schema version goes back from ${olds.version} to ${news.version}; a table's columns are never dropped. ` +
        `Fix: restore sql/schemas.lock.json and the DDL, or follow the new-table procedure (README, Schema changes).`,
    );
  }
  const changes = replaces.length > 0 || news.version !== olds.version || news.workGroup !== olds.workGroup;
  return { changes, replaces, deleteBeforeReplace: false };
}
