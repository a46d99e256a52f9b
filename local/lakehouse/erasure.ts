import { LocalLakehouse } from "./duckdb";
import { ReconciliationRow } from "./pipeline";

/** `--erase <n>`: what erasing n members left behind. Both counts must be 0. */
export interface ErasureReport {
  readonly members: number;
  /** Rows still tied to an erased member: their loyalty_id anywhere, their email hash in bronze, the bridge or the unresolved rows. */
  readonly rowsRemaining: number;
  /**
   * Rows the checks can no longer account for because of the erasure: the growth of reconciliation's |source - silver|
   * and of the accounting's |unaccounted| (bronze = silver + quarantined + duplicates), over products and days.
   */
  readonly unaccounted: number;
}

const HASH = "lower(to_hex(sha256(to_utf8(concat((SELECT salt FROM awsdatacatalog.retail_ops.email_salt), lower(trim(email)))))))";

/** The n members to erase: deterministic, among those the bridge links an email to (their data is the widest spread). */
export async function membersToErase(lake: LocalLakehouse, n: number): Promise<string[]> {
  const rows = await lake.query(
    `SELECT loyalty_id FROM (SELECT DISTINCT loyalty_id FROM retail_silver.identity_bridge) ORDER BY hash(loyalty_id, 'erase'), loyalty_id LIMIT ${n}`,
  );
  return rows.map((r) => String(r.loyalty_id));
}

/**
 * Erase the members through sql/erasure/member.sql, as the operations entry point would, one member per run, then
 * count what is left of them and what reconciliation can no longer balance.
 */
export async function eraseMembers(
  lake: LocalLakehouse,
  members: readonly string[],
  reconcile: () => Promise<readonly ReconciliationRow[]>,
  unaccounted: () => Promise<number> = async () => 0,
): Promise<ErasureReport> {
  const drift = async () => (await reconcile()).reduce((sum, r) => sum + Math.abs(r.source - r.silver), 0) + (await unaccounted());
  const driftBefore = await drift();
  const list = members.map((m) => `'${m}'`).join(", ") || "NULL";
  // What identifies them, captured before the bridge rows go: their email hashes.
  await lake.run(
    `CREATE OR REPLACE TEMP TABLE erased_hashes AS SELECT DISTINCT email_hash FROM retail_silver.identity_bridge WHERE loyalty_id IN (${list})`,
  );
  for (const loyaltyId of members) await lake.runFile("erasure/member.sql", { loyalty_id: loyaltyId });
  // Every bronze and silver table that names members (a loyalty_id column), read from the DDL; a bronze row with no
  // loyalty_id is theirs too when its email hashes to one of theirs.
  const counts = [...lake.tables.values()]
    .filter((t) => t.namespace !== "retail_gold" && t.columns.some((c) => c.name === "loyalty_id"))
    .map((t) => {
      const byEmail = t.namespace === "retail_bronze" && t.columns.some((c) => c.name === "email");
      const where = byEmail
        ? `loyalty_id IN (${list}) OR (loyalty_id IS NULL AND email IS NOT NULL AND ${HASH} IN (SELECT email_hash FROM erased_hashes))`
        : `loyalty_id IN (${list})`;
      return `(SELECT count(*) FROM ${t.namespace}.${t.name} WHERE ${where})`;
    });
  // The unresolved-identities record names them by email hash only.
  counts.push("(SELECT count(*) FROM retail_silver.unresolved_identities WHERE email_hash IN (SELECT email_hash FROM erased_hashes))");
  const [left] = await lake.query(`SELECT ${counts.join("\n    + ")} AS n`);
  return { members: members.length, rowsRemaining: Number(left.n), unaccounted: (await drift()) - driftBefore };
}
