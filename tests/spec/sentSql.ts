import * as fs from "fs";
import * as path from "path";
import { viewStatement } from "../../core/kpiCatalog";
import { loadSql } from "../../core/sql/files";
import { placeholdersOf, renderSql } from "../../core/sql/render";
import { splitStatements } from "../../core/sql/text";

/** What the platform sends to Athena from sql/, rendered as the handlers and the view resources render it. */

/** A salt no account id, ARN or SQL text contains any 8 characters of, so finding a piece of it means a leak. */
export const PROBE_SALT = "Qx7vLr2pWn9sKd4tHb6mZc8yFg3jTe5uAa";

/**
 * Folders whose files the merge (its re-resolution included), reconcile and freshness handlers load (components/operations/plan.ts), and the member
 * erasure (sql/erasure, run by an operator) and the raw-email retention (sql/retention, run by maintenance), rendered then split.
 */
export const HANDLER_DIRS = ["merge", "bridge", "unresolved", "reresolve", "reconcile", "freshness", "erasure", "canary", "coverage", "retention"];
/** Gold views: one CREATE OR REPLACE VIEW per file and channel mode, sent whole (core/kpiCatalog.ts viewStatement). */
export const GOLD_DIRS = ["gold/omnichannel", "gold/store-only"];
/**
 * Hive-style table DDL: read into the tables' resource definitions, never sent to Athena. Named one by one, so a new
 * file under sql/ is either sent (and parsed) or added here on purpose.
 */
export const NEVER_SENT = [
  "bronze/campaign_attribution.sql",
  "bronze/cart_events.sql",
  "bronze/erp_inventory.sql",
  "bronze/loyalty_redemptions.sql",
  "bronze/loyalty_tier.sql",
  "bronze/pos_transactions.sql",
  "silver/campaign_attribution.sql",
  "silver/canary_arrivals.sql",
  "silver/cart_events.sql",
  "silver/duplicates.sql",
  "silver/erp_inventory.sql",
  "silver/event_keys.sql",
  "silver/identity_bridge.sql",
  "silver/loyalty_redemptions.sql",
  "silver/loyalty_tier.sql",
  "silver/order_events.sql",
  "silver/quarantine.sql",
  "silver/unresolved_identities.sql",
];

/** A valid value for each placeholder, in the form the handlers pass (functions/merge.ts, reconcile.ts, freshness.ts). */
export const SAMPLE_PARAMS: Record<string, string> = {
  window_start: "2026-07-01 00:00:00",
  window_end: "2026-07-01 00:30:00",
  since: "2026-06-24 10:00:00",
  day: "2026-07-01",
  loyalty_id: "L000123",
  cutoff: "2026-06-01",
  horizon_start: "2026-06-01 00:00:00",
  reresolve_from: "2026-06-30 00:00:00",
  reresolve_to: "2026-07-01 00:00:00",
  product: "cart_events",
  // No file uses it any more (the salt is read from its table); a salt spliced back in renders with the test salt,
  // which tests/spec/saltFree.test.ts then finds.
  email_salt: PROBE_SALT,
};

export interface Statement {
  readonly source: string;
  readonly sql: string;
}

const INCLUDE_LINE = /^[ \t]*-- retail:include (\S+)[ \t]*$/gm;

export function sqlFilesUnder(root: string, dir = ""): string[] {
  return fs
    .readdirSync(path.join(root, dir), { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? sqlFilesUnder(root, path.posix.join(dir, e.name)) : e.name.endsWith(".sql") ? [path.posix.join(dir, e.name)] : [],
    )
    .sort();
}

/** The statements a handler sends for one file: includes expanded, placeholders filled, one statement per call. */
export function handlerStatements(rel: string, root: string): Statement[] {
  const text = loadSql(rel, root);
  const params = Object.fromEntries(placeholdersOf(text).map((name) => [name, SAMPLE_PARAMS[name] ?? `(no sample for {{${name}}})`]));
  return splitStatements(renderSql(text, params)).map((sql, i) => ({ source: `sql/${rel} statement ${i + 1}`, sql }));
}

/** What the platform sends from sql/, and which files it covers (sent, or included by a sent file). */
export function sentFromSqlDir(root: string): { statements: Statement[]; covered: Set<string> } {
  const statements: Statement[] = [];
  const covered = new Set<string>();
  for (const rel of sqlFilesUnder(root)) {
    const dir = path.posix.dirname(rel);
    if (HANDLER_DIRS.includes(dir)) statements.push(...handlerStatements(rel, root));
    else if (GOLD_DIRS.includes(dir)) statements.push({ source: `sql/${rel}`, sql: viewStatement(fs.readFileSync(path.join(root, rel), "utf8")) });
    else continue;
    covered.add(rel);
    for (const m of fs.readFileSync(path.join(root, rel), "utf8").matchAll(INCLUDE_LINE)) covered.add(m[1]);
  }
  return { statements, covered };
}

/** Files under sql/ that are neither sent, included by a sent file, nor named as never sent; and stale exemptions. */
export function uncovered(root: string, covered: Set<string>): string[] {
  const files = sqlFilesUnder(root);
  return [
    ...files
      .filter((f) => !covered.has(f) && !NEVER_SENT.includes(f))
      .map((f) => `sql/${f} is neither sent to Athena by a handler or a view nor listed in NEVER_SENT`),
    ...NEVER_SENT.filter((f) => !files.includes(f)).map((f) => `NEVER_SENT names sql/${f}, which does not exist`),
    ...NEVER_SENT.filter((f) => covered.has(f)).map((f) => `NEVER_SENT names sql/${f}, which is sent to Athena`),
  ];
}
