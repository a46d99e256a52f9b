import { AthenaClient, GetQueryExecutionCommand, QueryExecutionState, StartQueryExecutionCommand } from "@aws-sdk/client-athena";

/**
 * Create, replace and drop a gold view by running its DDL through Athena. No Pulumi resource executes DDL
 * (aws.athena.NamedQuery only saves text), so the AthenaView dynamic resource delegates here; the logic is plain
 * so tests drive it against aws-sdk-client-mock.
 */

export interface AthenaViewInputs {
  /** View name inside `database`. */
  readonly viewName: string;
  /** Glue database in the default catalog holding the view (S3 Tables catalogs do not support CREATE VIEW). */
  readonly database: string;
  /** One `CREATE OR REPLACE VIEW <database>.<viewName> AS ...` statement, without a trailing semicolon. */
  readonly statement: string;
  /** Workgroup that runs the DDL; it fixes the results location and encryption. */
  readonly workGroup: string;
  readonly region: string;
  /**
   * Schema versions of the tables the view reads (`retail_silver.order_events@2,...`): a migration changes it, and
   * the update re-runs CREATE OR REPLACE so the view is not left stale over a widened column.
   */
  readonly sourceVersions?: string;
}

export interface AthenaViewOutputs extends AthenaViewInputs {
  /** The execution that last created or replaced the view, for tracing in the Athena console. */
  readonly queryExecutionId: string;
}

export interface RunOptions {
  /** Waits between status polls; tests pass one that resolves at once. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly pollMs?: number;
  /** Polls before giving up; DDL on a view normally finishes in a few seconds. */
  readonly maxPolls?: number;
}

export class AthenaDdlError extends Error {}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The statement must create exactly the view the resource names, or a rename would orphan the old view. */
export function validateViewInputs(inputs: AthenaViewInputs): void {
  const m = /^\s*create\s+or\s+replace\s+view\s+([a-z0-9_]+)\.([a-z0-9_]+)\s+as\b/i.exec(inputs.statement);
  if (!m || m[1] !== inputs.database || m[2] !== inputs.viewName) {
    throw new AthenaDdlError(
      `AthenaView ${inputs.database}.${inputs.viewName}: the statement must start with CREATE OR REPLACE VIEW ${inputs.database}.${inputs.viewName} AS (found "${inputs.statement.slice(0, 60)}..."). Fix: correct the view file.`,
    );
  }
  if (/;\s*\S/.test(inputs.statement) || /;\s*$/.test(inputs.statement)) {
    throw new AthenaDdlError(
      `AthenaView ${inputs.database}.${inputs.viewName}: Athena runs one statement without a trailing semicolon. Fix: pass a single statement.`,
    );
  }
}

/** Run one statement and wait for it; throws with Athena's reason when it fails or is cancelled. */
export async function runStatement(
  client: AthenaClient,
  q: { sql: string; database: string; workGroup: string; catalog?: string },
  opts: RunOptions = {},
): Promise<string> {
  const sleep = opts.sleep ?? defaultSleep;
  const started = await client.send(
    new StartQueryExecutionCommand({
      QueryString: q.sql,
      WorkGroup: q.workGroup,
      QueryExecutionContext: { Catalog: q.catalog ?? "AwsDataCatalog", Database: q.database },
    }),
  );
  const id = started.QueryExecutionId;
  if (!id) throw new AthenaDdlError(`Athena returned no QueryExecutionId for: ${q.sql.slice(0, 80)}`);
  const maxPolls = opts.maxPolls ?? 120;
  for (let i = 0; i < maxPolls; i++) {
    const { QueryExecution } = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    const state = QueryExecution?.Status?.State;
    if (state === QueryExecutionState.SUCCEEDED) return id;
    if (state === QueryExecutionState.FAILED || state === QueryExecutionState.CANCELLED) {
      throw new AthenaDdlError(
        `Athena query ${id} ${state} in workgroup ${q.workGroup}: ${QueryExecution?.Status?.StateChangeReason ?? "no reason given"}`,
      );
    }
    await sleep(opts.pollMs ?? 1000);
  }
  throw new AthenaDdlError(`Athena query ${id} did not finish after ${maxPolls} polls in workgroup ${q.workGroup}`);
}

export async function createView(
  client: AthenaClient,
  inputs: AthenaViewInputs,
  opts?: RunOptions,
): Promise<{ id: string; outs: AthenaViewOutputs }> {
  validateViewInputs(inputs);
  const queryExecutionId = await runStatement(client, { sql: inputs.statement, database: inputs.database, workGroup: inputs.workGroup }, opts);
  return { id: `${inputs.database}.${inputs.viewName}`, outs: { ...inputs, queryExecutionId } };
}

/** CREATE OR REPLACE is idempotent, so an update simply re-runs the new statement in place. */
export async function updateView(client: AthenaClient, inputs: AthenaViewInputs, opts?: RunOptions): Promise<{ outs: AthenaViewOutputs }> {
  const { outs } = await createView(client, inputs, opts);
  return { outs };
}

export async function deleteView(client: AthenaClient, outs: AthenaViewOutputs, opts?: RunOptions): Promise<void> {
  await runStatement(
    client,
    { sql: `DROP VIEW IF EXISTS ${outs.database}.${outs.viewName}`, database: outs.database, workGroup: outs.workGroup },
    opts,
  );
}

/**
 * A new name or database is a different view (replace: create the new, drop the old); a new statement, workgroup or
 * source schema version is an in-place update (the statement re-runs).
 */
export function diffView(olds: AthenaViewOutputs, news: AthenaViewInputs): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const replaces = (["viewName", "database", "region"] as const).filter((k) => olds[k] !== news[k]);
  const changes =
    replaces.length > 0 || olds.statement !== news.statement || olds.workGroup !== news.workGroup || olds.sourceVersions !== news.sourceVersions;
  return { changes, replaces, deleteBeforeReplace: false };
}
