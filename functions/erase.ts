import { Alerts } from "./alerts";
import { changedRows, QueryRunner } from "./queryRunner";
import { renderSql, SqlRenderError } from "../core/sql/render";
import { stripComments } from "../core/sql/text";

/** What an operator sends for a right-to-delete request: the member's loyalty id. */
export interface EraseEvent {
  readonly loyaltyId: string;
}

export interface EraseSettings {
  /** The statements of sql/erasure/member.sql whose tables this stack has, in the file's order (unrendered). */
  readonly statements: readonly string[];
}

/** Rows removed per table. The loyalty id is not repeated: the report is logged, and the id is personal data. */
export interface EraseReport {
  readonly rowsByTable: Record<string, number>;
  /** SPICE datasets whose ingestion was started, so dashboards drop the member's rows too. */
  readonly reingested: string[];
}

export interface EraseDeps {
  readonly runner: QueryRunner;
  readonly alerts: Pick<Alerts, "putMetrics">;
  /** The SPICE datasets over the erased tables, and how to start one's ingestion. */
  readonly spice: { readonly datasetIds: readonly string[]; reingest(datasetId: string): Promise<void> };
}

export class EraseError extends Error {}

/** The `namespace.table` a DELETE statement removes rows from. */
function targetOf(statement: string): string {
  return /\bDELETE\s+FROM\s+([a-z0-9_]+\.[a-z0-9_]+)/i.exec(stripComments(statement))?.[1] ?? "(unknown table)";
}

/**
 * Erase one loyalty member: run the erasure statements in order (silver and quarantine, bronze, the bridge last) and
 * count the rows each removed. A repeated run removes nothing more, so a failed run is retried whole.
 */
export async function runErase(event: EraseEvent, settings: EraseSettings, deps: EraseDeps): Promise<EraseReport> {
  const rendered = settings.statements.map((st) => {
    try {
      return renderSql(st, { loyalty_id: event?.loyaltyId });
    } catch (e) {
      if (e instanceof SqlRenderError) throw new EraseError(`erase: event.loyaltyId: ${e.message}`);
      throw e;
    }
  });
  const rowsByTable: Record<string, number> = {};
  for (const sql of rendered) {
    const target = targetOf(sql);
    rowsByTable[target] = (rowsByTable[target] ?? 0) + changedRows(await deps.runner.query(sql));
  }
  await deps.alerts.putMetrics(
    Object.entries(rowsByTable).map(([table, value]) => ({ name: "RowsErased", value, unit: "Count" as const, dimensions: { Table: table } })),
  );
  // After every delete has committed: an ingestion started earlier could copy the member's rows back into SPICE.
  for (const id of deps.spice.datasetIds) await deps.spice.reingest(id);
  return { rowsByTable, reingested: [...deps.spice.datasetIds] };
}
