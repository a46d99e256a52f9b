import {
  AthenaClient,
  ColumnInfo,
  GetQueryExecutionCommand,
  GetQueryExecutionCommandOutput,
  GetQueryResultsCommand,
  GetQueryResultsCommandOutput,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { FinalQueryError, QueryRunner, RetryableQueryError, Row } from "./queryRunner";

export interface AthenaRunnerOptions {
  /** Workgroup the queries run in: it enforces the results location, encryption and the bytes-scanned cutoff. */
  readonly workGroup: string;
  /** Data catalog the SQL's `namespace.table` names resolve in: `s3tablescatalog/<table-bucket-name>`. */
  readonly catalog: string;
  /** Most milliseconds one statement may take, from start to last result page; past it the query is stopped. */
  readonly deadlineMs: number;
  /** Epoch ms no statement may run past (the Lambda's own end, less a margin), whatever deadlineMs allows. */
  readonly stopAt?: number;
  /** First wait between status polls (doubles up to maxPollMs). Default 250 ms. */
  readonly initialPollMs?: number;
  /** Longest wait between status polls. Default 5 s. */
  readonly maxPollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

const THROTTLING = new Set(["TooManyRequestsException", "ThrottlingException", "ThrottledException", "RequestLimitExceeded"]);
/** Athena's ErrorCategory 1 is a system error: the same statement may succeed on a later try. */
const SYSTEM_ERROR_CATEGORY = 1;
const NUMERIC = /^(tinyint|smallint|integer|int|bigint|double|float|real|decimal.*)$/;

function isThrottling(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return THROTTLING.has(err?.name ?? "") || err?.$metadata?.httpStatusCode === 429;
}

function convert(value: string | undefined, column: ColumnInfo): unknown {
  if (value === undefined) return null;
  const type = (column.Type ?? "varchar").toLowerCase();
  if (type === "boolean") return value === "true";
  if (NUMERIC.test(type)) {
    const n = Number(value);
    return Number.isSafeInteger(n) || !Number.isInteger(n) ? n : value;
  }
  return value;
}

/** Carries the error of a query Athena reported as ended (FAILED, CANCELLED): there is nothing left to stop. */
class EndedQueryError extends Error {
  constructor(readonly error: Error) {
    super(error.message);
  }
}

/**
 * QueryRunner over Athena: StartQueryExecution in the workgroup and catalog, poll with backoff until a deadline,
 * read every GetQueryResults page. Throttling is retried inside the deadline; what remains is mapped to
 * RetryableQueryError (throttled too long, system error, deadline) or FinalQueryError (the statement is wrong).
 */
export class AthenaRunner implements QueryRunner {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(
    private readonly client: AthenaClient,
    private readonly options: AthenaRunnerOptions,
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  async query(sql: string): Promise<Row[]> {
    const deadline = Math.min(this.now() + this.options.deadlineMs, this.options.stopAt ?? Infinity);
    // Past the end of the invocation, start nothing: a query begun now could only be stopped straight away.
    if (this.now() >= deadline) throw new RetryableQueryError("no time left in this invocation to start the query; the next run takes it up");
    const start = await this.call(deadline, "StartQueryExecution", () =>
      this.client.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          WorkGroup: this.options.workGroup,
          QueryExecutionContext: { Catalog: this.options.catalog },
        }),
      ),
    );
    const id = start.QueryExecutionId!;
    await this.waitForSuccess(id, deadline);
    return this.readResults(id, deadline);
  }

  /** Run one API call, retrying throttling with backoff while the deadline allows; other errors map once. */
  private async call<T>(deadline: number, what: string, fn: () => Promise<T>, queryId?: string): Promise<T> {
    let delay = this.options.initialPollMs ?? 250;
    for (;;) {
      try {
        return await fn();
      } catch (e) {
        const message = `${what}${queryId ? ` (query ${queryId})` : ""}: ${(e as Error).message}`;
        if (isThrottling(e)) {
          if (this.now() + delay >= deadline) throw new RetryableQueryError(`${message}; still throttled at the deadline`, queryId);
          await this.sleep(delay);
          delay = Math.min(delay * 2, this.options.maxPollMs ?? 5000);
          continue;
        }
        if ((e as Error).name === "InvalidRequestException") throw new FinalQueryError(message, queryId);
        throw new RetryableQueryError(message, queryId);
      }
    }
  }

  /**
   * Poll until the query ends. However the wait gives up before Athena says it ended (the deadline, or a status
   * call still throttled at it), the query is stopped, so one we gave up on cannot commit later beside the next run's.
   */
  private async waitForSuccess(id: string, deadline: number): Promise<void> {
    try {
      await this.pollUntilEnded(id, deadline);
    } catch (e) {
      if (!(e instanceof EndedQueryError)) {
        await this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id })).catch(() => undefined);
      }
      throw e instanceof EndedQueryError ? e.error : e;
    }
  }

  private async pollUntilEnded(id: string, deadline: number): Promise<void> {
    let delay = this.options.initialPollMs ?? 250;
    for (;;) {
      const out: GetQueryExecutionCommandOutput = await this.call(
        deadline,
        "GetQueryExecution",
        () => this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
        id,
      );
      const status = out.QueryExecution?.Status;
      const reason = status?.StateChangeReason ?? "no reason given";
      switch (status?.State) {
        case "SUCCEEDED":
          return;
        case "FAILED": {
          const error = status.AthenaError;
          const retryable = error?.Retryable === true || error?.ErrorCategory === SYSTEM_ERROR_CATEGORY;
          const message = `query ${id} failed: ${reason}`;
          throw new EndedQueryError(retryable ? new RetryableQueryError(message, id) : new FinalQueryError(message, id));
        }
        case "CANCELLED":
          // Someone stopped it, or the workgroup's bytes-scanned cutoff did: neither goes away on a retry.
          throw new EndedQueryError(new FinalQueryError(`query ${id} was cancelled: ${reason}`, id));
        default:
          if (this.now() + delay >= deadline) {
            throw new RetryableQueryError(
              `query ${id} did not finish by its deadline (${this.options.deadlineMs} ms, or the end of the invocation) and was stopped`,
              id,
            );
          }
          await this.sleep(delay);
          delay = Math.min(delay * 2, this.options.maxPollMs ?? 5000);
      }
    }
  }

  private async readResults(id: string, deadline: number): Promise<Row[]> {
    const rows: Row[] = [];
    let columns: ColumnInfo[] = [];
    let token: string | undefined;
    let first = true;
    do {
      const page: GetQueryResultsCommandOutput = await this.call(
        deadline,
        "GetQueryResults",
        () => this.client.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: 1000 })),
        id,
      );
      if (first) {
        columns = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
        if (columns.length === 0) return page.UpdateCount !== undefined ? [{ Count: page.UpdateCount }] : [];
      }
      const data = page.ResultSet?.Rows ?? [];
      // A SELECT's first page starts with a row of column labels.
      const labels = data[0]?.Data?.map((d) => d.VarCharValue);
      const skip = first && labels !== undefined && columns.every((c, i) => labels[i] === (c.Label ?? c.Name)) ? 1 : 0;
      for (const row of data.slice(skip)) {
        rows.push(Object.fromEntries(columns.map((c, i) => [c.Name!, convert(row.Data?.[i]?.VarCharValue, c)])));
      }
      token = page.NextToken;
      first = false;
    } while (token);
    return rows;
  }
}
