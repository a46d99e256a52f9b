import { BackfillSettings } from "../../functions/backfill";
import { MergeSettings } from "../../functions/merge";
import { ACCOUNTING_FILE } from "../../functions/reconcile";
import { MERGE_TIMEOUT_SECONDS } from "../../core/limits";
import { bridgeUse, tableAccess } from "../../core/sql/access";
import type { OperationsPlan } from "./plan";

/**
 * The settings.json the merge and backfill functions are shipped with, built from the operations plan in one place:
 * the program deploys them, and the offline tools (the freshness simulator, the late-bridge scenario) run the same
 * handlers on exactly these.
 */

/** The backfill's timeout: Lambda's longest, and the budget each invocation plans its windows in before handing over. */
export const BACKFILL_TIMEOUT_SECONDS = 900;
/** Seconds one switch-back check query may take. */
export const BACKFILL_CHECK_QUERY_SECONDS = 240;

export function mergeSettingsOf(plan: OperationsPlan, reresolveHorizonDays?: number): MergeSettings {
  return {
    products: Object.fromEntries(
      plan.merges.map((m) => [
        m.product,
        { sql: m.sql, lookbackMinutes: m.lookbackMinutes, refreshesBridge: bridgeUse(m.product, m.sql, plan.bridgeSql) },
      ]),
    ),
    bridgeSql: plan.bridgeSql,
    ...(plan.reresolve && reresolveHorizonDays !== undefined ? { reresolve: { ...plan.reresolve, horizonDays: reresolveHorizonDays } } : {}),
  };
}

export function backfillSettingsOf(plan: OperationsPlan, stack: { rawEmailRetentionDays: number; bridgeCoverageMin: number }): BackfillSettings {
  const products = plan.merges.map((m) => m.product);
  return {
    products,
    bridgeSources: products.filter((p) => tableAccess([plan.bridgeSql]).reads.includes(`retail_silver.${p}`)),
    rawEmailRetentionDays: stack.rawEmailRetentionDays,
    timeoutSeconds: BACKFILL_TIMEOUT_SECONDS,
    mergeTimeoutSeconds: MERGE_TIMEOUT_SECONDS,
    coverage: { sql: plan.bridgeCoverageSql, min: stack.bridgeCoverageMin },
    ...(plan.reconcile[ACCOUNTING_FILE] !== undefined ? { accountingSql: plan.reconcile[ACCOUNTING_FILE] } : {}),
    checkQuerySeconds: BACKFILL_CHECK_QUERY_SECONDS,
  };
}
