import { z } from "zod";

/** The per-cell rules of one KPI catalog row; each issue's message is `<why>. Fix: <fix>.`, its path the column. */

export const GOLD_DATABASE = "retail_gold";
export const IMPORT_MODES = ["SPICE", "DIRECT_QUERY"] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];
export const KPI_NAME = /^[a-z][a-z0-9_]*$/;
/** `retail_gold.<view>`; the first group is the view's name. */
export const GOLD_VIEW = new RegExp(`^${GOLD_DATABASE}\\.([a-z][a-z0-9_]*)$`);

/** A cell that must pass `test`; the message quotes the cell through `why`. */
function cell(test: (v: string) => boolean, why: (v: string) => string, fix: string) {
  return z.string().refine(test, { error: (iss) => `${why(iss.input as string)}. Fix: ${fix}.` });
}

/** A DIRECT_QUERY row's refresh_window_days: it reads the view live, with the dashboard's own filters. */
export const NO_WINDOW = "none";
const isBoolean = (v: string) => v === "true" || v === "false";
const isPositiveWhole = (v: string) => /^\d+$/.test(v) && Number(v) >= 1;
/** The `;`-separated data product names of a source_products cell. */
export function sourceProductNames(v: string): string[] {
  return v
    .split(";")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** Keys in the catalog's column order: zod reports issues in this order. */
export const kpiCatalogRow = z.object({
  kpi: cell(
    (v) => KPI_NAME.test(v),
    (v) => `"${v}" is not a lowercase name`,
    "use letters, digits and underscores, e.g. conversion_rate",
  ),
  definition: cell(
    (v) => v.length >= 10,
    () => "missing or too short to tell analysts what the number means",
    "write the definition the steward approved",
  ),
  view: cell(
    (v) => GOLD_VIEW.test(v),
    (v) => `"${v}" is not a view in ${GOLD_DATABASE}`,
    `write it as ${GOLD_DATABASE}.<view>`,
  ),
  import_mode: cell(
    (v) => (IMPORT_MODES as readonly string[]).includes(v),
    (v) => `"${v}" is not an import mode`,
    `use ${IMPORT_MODES.join(" or ")}`,
  ),
  spill_to_direct_query: cell(
    isBoolean,
    (v) => `"${v}" is not true or false`,
    "write true (may run as DIRECT_QUERY above the SPICE cap) or false (pinned to SPICE)",
  ),
  refresh_cadence: z.string(),
  owner_team: cell(
    (v) => v !== "",
    () => "missing",
    "name the team that owns the KPI, as spelled in retail:quicksight.ownerGroups",
  ),
  steward_approved: cell(isBoolean, (v) => `"${v}" is not true or false`, "write true only once the data steward has signed the definition off"),
  expected_rows: cell(
    isPositiveWhole,
    (v) => `"${v}" is not a positive whole number`,
    "give the row count expected at prod scale, digits only, e.g. 30000",
  ),
  event_time_column: cell(
    (v) => KPI_NAME.test(v),
    (v) => `"${v}" is not a column name`,
    "name the view's date column, usually day",
  ),
  source_products: cell(
    (v) => sourceProductNames(v).length > 0 && sourceProductNames(v).every((p) => KPI_NAME.test(p)),
    (v) => `"${v}" is not a ;-separated list of data product names`,
    "list the retail:dataProducts the view reads, e.g. cart_events;pos_transactions",
  ),
  freshness_target_minutes: cell(isPositiveWhole, (v) => `"${v}" is not a positive whole number of minutes`, "give the steward's target, e.g. 22"),
  // Whether a window is required (SPICE) or refused (DIRECT_QUERY), and its bounds, are cross-cell rules in kpiCatalog.ts.
  refresh_window_days: cell(
    (v) => v === "" || v === NO_WINDOW || /^\d+$/.test(v),
    (v) => `"${v}" is not a whole number of days`,
    `give the days a SPICE refresh reads, digits only, e.g. 2; write ${NO_WINDOW} for DIRECT_QUERY`,
  ),
});
