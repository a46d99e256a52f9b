import * as fs from "fs";
import * as path from "path";
import { FreshnessKpi } from "../../functions/freshness";
import { CanaryFreshnessSettings } from "../../functions/measuredFreshness";
import { QUARANTINE_TABLE, targetOf } from "../../functions/merge";
import { ACCOUNTING_FILE } from "../../functions/reconcile";
import { CANARY_PRODUCTS } from "../../core/canary";
import { splitStatements } from "../../core/sql/text";
import { BATCH_CADENCE_MINUTES, Lane } from "../../core/lanes";
import { mergeIntervalMinutes } from "../../core/limits";
import { SQL_DIR } from "../../core/paths";
import { loadSql } from "../../core/sql/files";
import { TableAccess, tableAccess } from "../../core/sql/access";
import { formatReconciles, TAG } from "../../core/tags";
import { planReresolve, ReresolvePlan } from "./reresolvePlan";

/** Minutes between freshness runs. */
export const FRESHNESS_INTERVAL_MINUTES = 5;
/**
 * Extra minutes each merge re-reads behind its interval: Firehose may hold a record up to its 15-minute buffer
 * and retry delivery for 5 more, so a record stamped before a window's end can land after that window ran.
 */
export const LATE_ARRIVAL_MINUTES = 30;

/** A data product as operations sees it: a stream merged on a clock, or a batch merged after its job's run. */
export type OperationsProduct =
  | { readonly name: string; readonly lane: "stream"; readonly freshnessMinutes: number }
  | { readonly name: string; readonly lane: Exclude<Lane, "stream">; readonly timeoutMinutes: number };

/** Which gold SQL folder the KPI views come from (sql/gold/<mode>/). */
import type { GoldChannelMode } from "../../core/rollback";
export type { GoldChannelMode };

/** Tables a merge writes besides its product's rows: the bookkeeping RowsMerged also counts. */
const BOOKKEEPING_TABLES = ["quarantine", "event_keys", "duplicates", "canary_arrivals", "identity_bridge", "unresolved_identities"].map(
  (t) => `retail_silver.${t}`,
);

/**
 * The silver table that takes a product's accepted rows (its RowsMerged against RowsQuarantined is the quarantine
 * rate): `retail_silver.<product>` when the merge writes it, else its one other data table (POS lines: order_events).
 */
export function productSilverTable(product: string, sql: string): string {
  const targets = mergeTargets(sql).filter((t) => !BOOKKEEPING_TABLES.includes(t));
  return targets.find((t) => t === `retail_silver.${product}`) ?? targets[0] ?? `retail_silver.${product}`;
}

/** What planning reads: the products, the KPI budgets, the batch jobs and where the SQL lives. */
export interface PlanInputs {
  /** Every data product, streams and batches, in the order their merges are listed. */
  readonly products: readonly OperationsProduct[];
  readonly goldChannelMode: GoldChannelMode;
  /** Freshness budget in minutes per KPI (named as in the KPI catalog and sql/gold/<mode>/<kpi>.sql). */
  readonly kpiFreshnessBudgetMinutes: Readonly<Record<string, number>>;
  /** Glue job name per batch product (BatchLane's job): its successful runs trigger the product's merge. */
  readonly batchJobNames: Readonly<Record<string, unknown>>;
  /** Root of the SQL files (default the repository's sql/); tests point it at fixtures. */
  readonly sqlRoot?: string;
  /** The freshness canary's round interval, when it is on (Operations sets it from its canary arg). */
  readonly canaryIntervalMinutes?: number;
  /** QuickSight data set id of each SPICE KPI: measured freshness waits for its next ingestion. */
  readonly spiceDataSetIds?: Readonly<Record<string, string>>;
}

/** Minutes of purchases bridge coverage reads each run: an hour, so a quiet store hour still has a few. */
export const BRIDGE_COVERAGE_WINDOW_MINUTES = 60;

/** What starts a product's merge: a schedule for streams, its Glue job's successful run for batch products. */
export type MergeTrigger = { readonly kind: "schedule"; readonly intervalMinutes: number } | { readonly kind: "glue-job-succeeded" };

/** What the handlers will run, worked out from the products and the SQL files before any resource exists. */
export interface OperationsPlan {
  readonly merges: { product: string; trigger: MergeTrigger; lookbackMinutes: number; sql: string; silverTable: string }[];
  readonly bridgeSql: string;
  /**
   * sql/unresolved/ and sql/reresolve/ (core/reresolve.ts), run by a recording product's hourly merge run: the record per
   * product and the update statements whose silver table this stack has. Undefined when no merge product records.
   */
  readonly reresolve?: ReresolvePlan;
  readonly reconcile: Record<string, string>;
  /** Reconcile files left out because they read a table this stack does not create. */
  readonly notReconciled: { table: string; missing: string[] }[];
  readonly freshness: Record<string, string>;
  readonly kpis: Record<string, FreshnessKpi>;
  /** sql/erasure/member.sql's statements whose tables this stack has (a table it lacks holds no one's data). */
  readonly erasure: string[];
  /** sql/retention/raw_email.sql's statements whose tables this stack has: the maintenance function runs them daily. */
  readonly retention: string[];
  readonly access: {
    merge: TableAccess;
    reconcile: TableAccess;
    freshness: TableAccess;
    erase: TableAccess;
    retention: TableAccess;
    /** The backfill's switch-back checks: bridge coverage and the accounting (reads only; its merges run in the merge function). */
    backfill: TableAccess;
  };
  /** What the freshness function measures from the canary's rounds; undefined while the canary is off. */
  readonly canary?: CanaryFreshnessSettings;
  /** sql/coverage/bridge_coverage.sql. */
  readonly bridgeCoverageSql: string;
  /** Stream products whose purchases land in order_events: the ones bridge coverage reports. */
  readonly bridgeCoverageProducts: string[];
}

function sqlFiles(root: string, dir: string): Record<string, string> {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return {};
  return Object.fromEntries(
    fs
      .readdirSync(full)
      .filter((f) => f.endsWith(".sql"))
      .sort()
      .map((f) => [f.slice(0, -4), loadSql(path.join(dir, f), root)]),
  );
}

/** A file under the SQL root, or undefined when a fixture root has none. */
function loadOptional(root: string, rel: string): string | undefined {
  return fs.existsSync(path.join(root, rel)) ? loadSql(rel, root) : undefined;
}

export class OperationsArgsError extends Error {}

/**
 * Read the SQL the handlers run and check it against the stack: every data product has a merge (and a batch
 * product the Glue job that triggers it), every table the merge or freshness SQL names exists, every budgeted KPI
 * has a gold view. Pure apart from reading files; throws one error listing every problem.
 */
export function planOperations(args: PlanInputs, existingTables: readonly string[]): OperationsPlan {
  const root = args.sqlRoot ?? SQL_DIR;
  const problems: string[] = [];
  const exists = new Set(existingTables);
  const missingOf = (texts: string[]) => {
    const a = tableAccess(texts);
    return [...a.reads, ...a.writes].filter((t) => !exists.has(t));
  };

  const mergeSql = sqlFiles(root, "merge");
  const bridgeSql = sqlFiles(root, "bridge")["identity_bridge"];
  if (bridgeSql === undefined)
    problems.push(`sql/bridge/identity_bridge.sql is missing: the merge refreshes the bridge before each window. Fix: restore it.`);
  const mergeOf = (kind: string, product: string) => {
    const sql = mergeSql[product];
    if (sql === undefined)
      problems.push(`${kind} product "${product}" has no sql/merge/${product}.sql, so its silver table would never fill. Fix: add the merge file.`);
    return sql;
  };
  const merges: OperationsPlan["merges"] = [];
  for (const s of args.products) {
    if (s.lane !== "stream") continue;
    const sql = mergeOf("streaming", s.name);
    if (sql === undefined) continue;
    const intervalMinutes = mergeIntervalMinutes(s.freshnessMinutes);
    merges.push({
      product: s.name,
      trigger: { kind: "schedule", intervalMinutes },
      lookbackMinutes: intervalMinutes + LATE_ARRIVAL_MINUTES,
      sql,
      silverTable: productSilverTable(s.name, sql),
    });
  }
  for (const b of args.products) {
    if (b.lane === "stream") continue;
    const sql = mergeOf("batch", b.name);
    if (!(b.name in args.batchJobNames)) {
      problems.push(`batch product "${b.name}" has no entry in batchJobNames, so nothing would start its merge. Fix: pass its BatchLane's job.name.`);
    }
    if (sql === undefined) continue;
    // The run's rows were stamped within its timeout before the success that triggers the merge. One cadence more
    // re-reads the previous run's rows: what a failed merge left in bronze, and rows stamped in the same minute as
    // that run's success, which the minute-truncated window end (functions/merge.ts) leaves to the next run.
    // Snapshot merges select whole snapshot days inside the window; a daily lane's lookback reaches yesterday's.
    merges.push({
      product: b.name,
      trigger: { kind: "glue-job-succeeded" },
      lookbackMinutes: BATCH_CADENCE_MINUTES[b.lane] + b.timeoutMinutes,
      sql,
      silverTable: productSilverTable(b.name, sql),
    });
  }
  for (const [file, text] of [["bridge/identity_bridge", bridgeSql ?? ""], ...merges.map((m) => [`merge/${m.product}`, m.sql])]) {
    const missing = missingOf([text]);
    if (missing.length > 0)
      problems.push(
        `sql/${file}.sql names ${missing.join(", ")}, which this stack does not create. Fix: add the product to the stack, or change the SQL.`,
      );
  }

  const reresolve = planReresolve(root, merges, missingOf, problems);

  const reconcile: Record<string, string> = {};
  const notReconciled: { table: string; missing: string[] }[] = [];
  for (const [table, text] of Object.entries(sqlFiles(root, "reconcile"))) {
    // A stack without some product (say no POS stream) has no bronze table for a reconcile file to count.
    const missing = missingOf([text]);
    if (missing.length > 0) notReconciled.push({ table, missing });
    else reconcile[table] = text;
  }

  if (formatReconciles(Object.keys(reconcile)).length > 256) {
    problems.push(`the ${TAG.reconciles} tag would exceed AWS's 256-character tag value. Fix: shorten table names, or split reconciliation.`);
  }

  const freshness = sqlFiles(root, "freshness");
  for (const [table, text] of Object.entries(freshness)) {
    const missing = missingOf([text]);
    if (missing.length > 0) problems.push(`sql/freshness/${table}.sql names ${missing.join(", ")}, which this stack does not create.`);
  }
  const gold = sqlFiles(root, path.join("gold", args.goldChannelMode));
  const kpis: Record<string, FreshnessKpi> = {};
  for (const [kpi, budgetMinutes] of Object.entries(args.kpiFreshnessBudgetMinutes)) {
    if (!(Number.isFinite(budgetMinutes) && budgetMinutes > 0)) {
      problems.push(`kpiFreshnessBudgetMinutes.${kpi} = ${budgetMinutes}: a budget is a positive number of minutes.`);
      continue;
    }
    const view = gold[kpi];
    if (view === undefined) {
      problems.push(
        `KPI "${kpi}" has a freshness budget but no sql/gold/${args.goldChannelMode}/${kpi}.sql. Fix: name the budget after the KPI's gold view.`,
      );
      continue;
    }
    const tables = tableAccess([view])
      .reads.filter((t) => t.startsWith("retail_silver."))
      .map((t) => t.slice("retail_silver.".length));
    const unmeasured = tables.filter((t) => freshness[t] === undefined);
    if (unmeasured.length > 0) {
      problems.push(
        `KPI "${kpi}" reads ${unmeasured.map((t) => `retail_silver.${t}`).join(", ")} but sql/freshness has no file for it. Fix: add sql/freshness/<table>.sql.`,
      );
      continue;
    }
    kpis[kpi] = { budgetMinutes, tables };
  }

  const erasureSql = loadOptional(root, "erasure/member.sql");
  const erasure = erasureSql === undefined ? [] : splitStatements(erasureSql).filter((st) => missingOf([st]).length === 0);
  if (erasureSql !== undefined && erasure.length === 0) problems.push("sql/erasure/member.sql names no table this stack creates.");
  // One UPDATE per bronze table holding raw emails; a stack without a product has no emails of it to scrub.
  const retentionSql = loadOptional(root, "retention/raw_email.sql");
  const retention = retentionSql === undefined ? [] : splitStatements(retentionSql).filter((st) => missingOf([st]).length === 0);
  const canary = args.canaryIntervalMinutes !== undefined ? planCanary(args, root, merges, kpis, problems) : undefined;
  const bridgeCoverageSql = sqlFiles(root, "coverage")["bridge_coverage"];
  if (bridgeCoverageSql === undefined)
    problems.push("sql/coverage/bridge_coverage.sql is missing: bridge coverage would go unmeasured. Fix: restore it.");
  for (const [file, text] of [
    ["canary/arrivals", canary?.sql],
    ["coverage/bridge_coverage", bridgeCoverageSql],
  ] as const) {
    const missing = text === undefined ? [] : missingOf([text]);
    if (missing.length > 0) problems.push(`sql/${file}.sql names ${missing.join(", ")}, which this stack does not create.`);
  }

  if (problems.length > 0) throw new OperationsArgsError(`Operations:\n  - ${problems.join("\n  - ")}`);
  return {
    merges,
    bridgeSql: bridgeSql!,
    ...(reresolve ? { reresolve } : {}),
    reconcile,
    notReconciled,
    freshness,
    kpis,
    erasure,
    retention,
    access: {
      merge: tableAccess([
        bridgeSql!,
        ...merges.map((m) => m.sql),
        ...(reresolve
          ? [
              reresolve.pending,
              ...reresolve.apply,
              ...reresolve.cleanup,
              reresolve.mark.read,
              reresolve.mark.write,
              ...Object.values(reresolve.record).map((r) => r.sql),
            ]
          : []),
      ]),
      reconcile: tableAccess(Object.values(reconcile)),
      freshness: tableAccess([...Object.values(freshness), ...(canary ? [canary.sql] : []), bridgeCoverageSql!]),
      erase: tableAccess(erasure),
      retention: tableAccess(retention),
      backfill: tableAccess([bridgeCoverageSql!, ...(reconcile[ACCOUNTING_FILE] !== undefined ? [reconcile[ACCOUNTING_FILE]] : [])]),
    },
    ...(canary ? { canary } : {}),
    bridgeCoverageSql: bridgeCoverageSql!,
    bridgeCoverageProducts: merges
      .filter((m) => m.trigger.kind === "schedule" && mergeTargets(m.sql).includes("retail_silver.order_events"))
      .map((m) => m.product)
      .sort(),
  };
}

/** Silver tables a merge's statements write, the quarantine aside. */
export function mergeTargets(sql: string): string[] {
  return [...new Set(splitStatements(sql).map((st) => targetOf(st)))].filter((t): t is string => !!t && t !== QUARANTINE_TABLE).sort();
}

/**
 * Which stream products' canaries each KPI waits for: those whose merges write a silver table its view reads. A KPI
 * read from batch products alone has no canary to follow and is left to its staleness alarm.
 */
function planCanary(
  args: PlanInputs,
  root: string,
  merges: OperationsPlan["merges"],
  kpis: Record<string, FreshnessKpi>,
  problems: string[],
): CanaryFreshnessSettings | undefined {
  const sql = sqlFiles(root, "canary")["arrivals"];
  if (sql === undefined) problems.push("sql/canary/arrivals.sql is missing: the canary's rounds could not be followed. Fix: restore it.");
  const streams = merges.filter((m) => m.trigger.kind === "schedule");
  for (const m of streams.filter((m) => !CANARY_PRODUCTS.includes(m.product))) {
    problems.push(
      `stream product "${m.product}" has no canary row, so the canary could not measure it. Fix: add one to core/canary.ts, or set retail:canary.enabled to false.`,
    );
  }
  const out: Record<string, CanaryFreshnessSettings["kpis"][string]> = {};
  for (const [kpi, k] of Object.entries(kpis)) {
    const reads = new Set(k.tables.map((t) => `retail_silver.${t}`));
    const products = streams.filter((m) => mergeTargets(m.sql).some((t) => reads.has(t))).map((m) => m.product);
    if (products.length === 0) continue;
    const dataSetId = args.spiceDataSetIds?.[kpi];
    out[kpi] = { budgetMinutes: k.budgetMinutes, products, ...(dataSetId !== undefined ? { dataSetId } : {}) };
  }
  return sql === undefined ? undefined : { sql, intervalMinutes: args.canaryIntervalMinutes!, kpis: out };
}
