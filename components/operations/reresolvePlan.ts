import * as fs from "fs";
import * as path from "path";
import { splitStatements, stripComments } from "../../core/sql/text";
import { loadSql } from "../../core/sql/files";
import { RECORD_DIR, RECORD_MARK_FILE, RERESOLVE_APPLY_FILES, RERESOLVE_CLEANUP_FILE, RERESOLVE_PENDING_FILE } from "../../core/reresolve";
import type { MergeTrigger } from "./plan";

/** What the merge function runs for identity re-resolution (functions/reresolve.ts ReresolveSettings, less the horizon). */
export interface ReresolvePlan {
  readonly pending: string;
  readonly apply: string[];
  readonly cleanup: string[];
  readonly mark: { read: string; write: string };
  readonly record: Record<string, { sql: string; intervalMinutes: number }>;
}

const loadOptional = (root: string, rel: string) => (fs.existsSync(path.join(root, rel)) ? loadSql(rel, root) : undefined);

/**
 * The re-resolution, when some scheduled merge product has sql/unresolved/<product>.sql (its record of the rows it
 * left unresolved): those records with the product's interval, the pending query and cleanup (which read and write
 * only the side table and the bridge), and each update whose silver table the stack has.
 */
export function planReresolve(
  root: string,
  merges: readonly { product: string; trigger: MergeTrigger }[],
  missingOf: (texts: string[]) => string[],
  problems: string[],
): ReresolvePlan | undefined {
  const record: Record<string, { sql: string; intervalMinutes: number }> = {};
  for (const m of merges) {
    const sql = loadOptional(root, `${RECORD_DIR}/${m.product}.sql`);
    if (sql === undefined) continue;
    if (m.trigger.kind !== "schedule") {
      problems.push(`sql/${RECORD_DIR}/${m.product}.sql records a batch product; only scheduled (stream) merges run it. Fix: remove it.`);
      continue;
    }
    const missing = missingOf([sql]);
    if (missing.length > 0) problems.push(`sql/${RECORD_DIR}/${m.product}.sql names ${missing.join(", ")}, which this stack does not create.`);
    else record[m.product] = { sql, intervalMinutes: m.trigger.intervalMinutes };
  }
  if (Object.keys(record).length === 0) return undefined;
  const file = (rel: string) => {
    const text = loadOptional(root, rel);
    if (text === undefined) problems.push(`sql/${rel} is missing: rows merged unresolved would never be re-resolved. Fix: restore it.`);
    return text ?? "";
  };
  const pending = file(RERESOLVE_PENDING_FILE);
  const cleanup = splitStatements(file(RERESOLVE_CLEANUP_FILE));
  const [read = "", write = "", ...extra] = splitStatements(file(RECORD_MARK_FILE));
  if (extra.length > 0 || !/^\s*SELECT\b/i.test(stripComments(read)) || !/^\s*MERGE\b/i.test(stripComments(write))) {
    problems.push(`sql/${RECORD_MARK_FILE} must hold two statements, the SELECT that reads the record's mark and the MERGE that moves it.`);
  }
  for (const [rel, text] of [
    [RERESOLVE_PENDING_FILE, pending],
    [RERESOLVE_CLEANUP_FILE, cleanup.join(";\n")],
    [RECORD_MARK_FILE, `${read};\n${write}`],
  ]) {
    const missing = missingOf([text]);
    if (missing.length > 0) problems.push(`sql/${rel} names ${missing.join(", ")}, which this stack does not create.`);
  }
  const apply = RERESOLVE_APPLY_FILES.map(file).filter((text) => text !== "" && missingOf([text]).length === 0);
  return { pending, apply, cleanup, mark: { read, write }, record };
}
