import * as fs from "fs";
import * as path from "path";
import { parse } from "csv-parse/sync";
import { GOLD_DATABASE, GOLD_VIEW, ImportMode, kpiCatalogRow, NO_WINDOW, sourceProductNames } from "./kpiCatalogRow";
import { INCREMENTAL_LOOKBACK_DAYS, REFRESH_WINDOW_MAX_DAYS, REFRESH_WINDOW_MIN_DAYS } from "./refreshWindow";
import { REPO_ROOT, SQL_DIR } from "./paths";
import { stripComments } from "./sql/text";

/**
 * The KPI catalog (`core/catalog/retail-kpi-catalog.csv`) is the dashboard backlog stewards edit: one row per KPI.
 * Datasets, refresh schedules, Q topics and the freshness budget are all built from it, so adding a KPI is adding a
 * row and its two view files (`sql/gold/omnichannel/<view>.sql`, `sql/gold/store-only/<view>.sql`), not code.
 *
 * Columns:
 * - kpi: lowercase name, also the QuickSight dataset id suffix
 * - definition: what the number means, in the steward's words
 * - view: `retail_gold.<view>`, defined by both gold SQL variants
 * - import_mode: SPICE or DIRECT_QUERY
 * - spill_to_direct_query: true lets a SPICE KPI above the SPICE row cap run as DIRECT_QUERY; false pins SPICE
 * - refresh_cadence: 15min | 30min (incremental refresh) | hourly | daily (full refresh) | none (DIRECT_QUERY only)
 * - owner_team: a key of retail:quicksight.ownerGroups
 * - steward_approved: true | false; only approved KPIs get an Amazon Q topic
 * - expected_rows: rows at prod scale, checked against the SPICE cap
 * - event_time_column: the view's date column incremental refresh looks back on
 * - source_products: data products (retail:dataProducts names) the view reads, `;`-separated
 * - freshness_target_minutes: the steward's target from source event to dashboard
 * - refresh_window_days: days of the view a SPICE refresh reads (today and the days before), 1..400, at least the
 *   incremental lookback for 15min/30min; empty or none for DIRECT_QUERY (core/refreshWindow.ts)
 */

export const KPI_CATALOG_FILE = path.join(REPO_ROOT, "core", "catalog", "retail-kpi-catalog.csv");
export const GOLD_SQL_DIR = path.join(SQL_DIR, "gold");
export { GOLD_DATABASE, IMPORT_MODES } from "./kpiCatalogRow";
export type { ImportMode } from "./kpiCatalogRow";
export const CHANNEL_MODES = ["omnichannel", "store-only"] as const;
export type ChannelMode = (typeof CHANNEL_MODES)[number];

/** A SPICE refresh cadence: its QuickSight interval, and whether it is incremental (QuickSight allows 15/30 min only incrementally). */
export interface RefreshCadence {
  readonly token: string;
  readonly interval: "MINUTE15" | "MINUTE30" | "HOURLY" | "DAILY";
  readonly minutes: number;
  readonly incremental: boolean;
}

export const REFRESH_CADENCES: Record<string, RefreshCadence> = {
  "15min": { token: "15min", interval: "MINUTE15", minutes: 15, incremental: true },
  "30min": { token: "30min", interval: "MINUTE30", minutes: 30, incremental: true },
  hourly: { token: "hourly", interval: "HOURLY", minutes: 60, incremental: false },
  daily: { token: "daily", interval: "DAILY", minutes: 1440, incremental: false },
};
const NO_REFRESH = "none";

export interface KpiDefinition {
  readonly kpi: string;
  readonly definition: string;
  /** View name inside retail_gold. */
  readonly view: string;
  readonly importMode: ImportMode;
  readonly spillToDirectQuery: boolean;
  /** Undefined for DIRECT_QUERY KPIs, which read live. */
  readonly refresh?: RefreshCadence;
  readonly ownerTeam: string;
  readonly stewardApproved: boolean;
  readonly expectedRows: number;
  readonly eventTimeColumn: string;
  readonly sourceProducts: readonly string[];
  readonly freshnessTargetMinutes: number;
  /** Days a SPICE refresh reads; undefined for DIRECT_QUERY KPIs. */
  readonly refreshWindowDays?: number;
  /** `<file>:<line>`, for messages raised later (freshness, SPICE cap). */
  readonly source: string;
  /** The view's CREATE statement per channel mode, as read from sql/gold. */
  readonly viewSql: Readonly<Record<ChannelMode, string>>;
}

export class KpiCatalogError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid KPI catalog:\n  - ${problems.join("\n  - ")}`);
  }
}

export const CATALOG_COLUMNS = [
  "kpi",
  "definition",
  "view",
  "import_mode",
  "spill_to_direct_query",
  "refresh_cadence",
  "owner_team",
  "steward_approved",
  "expected_rows",
  "event_time_column",
  "source_products",
  "freshness_target_minutes",
  "refresh_window_days",
] as const;
type Column = (typeof CATALOG_COLUMNS)[number];

export interface ParseCatalogOptions {
  /** Shown in messages; repository-relative reads best. */
  readonly file: string;
  /** Folder holding omnichannel/ and store-only/ view files (default: the repository's sql/gold). */
  readonly goldSqlDir?: string;
  /** When given, owner_team must be one of these (the keys of retail:quicksight.ownerGroups). */
  readonly ownerTeams?: readonly string[];
}

/** The view a gold SQL file defines, or undefined when it holds no `CREATE OR REPLACE VIEW retail_gold.<name>`. */
export function definedView(sql: string): string | undefined {
  const body = stripComments(sql);
  const m = new RegExp(`create\\s+or\\s+replace\\s+view\\s+${GOLD_DATABASE}\\.([a-z0-9_]+)\\s+as\\b`, "i").exec(body);
  return m?.[1];
}

/**
 * Parse the catalog's text. Every bad cell is reported, each naming file, line, column and fix; one
 * KpiCatalogError carries them all so a steward fixes the file in one pass.
 */
export function parseKpiCatalog(text: string, opts: ParseCatalogOptions): KpiDefinition[] {
  const goldSqlDir = opts.goldSqlDir ?? GOLD_SQL_DIR;
  const problems: string[] = [];
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, { info: true, relax_column_count: true, skip_empty_lines: true, trim: true, bom: true }) as unknown as typeof rows;
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new KpiCatalogError([`${opts.file}:${err.lines ?? "?"}: not valid CSV (${err.message}). Fix: quote fields that contain commas or quotes.`]);
  }
  if (rows.length === 0) throw new KpiCatalogError([`${opts.file}:1: empty catalog. Fix: add the header row ${CATALOG_COLUMNS.join(",")}.`]);

  const header = rows[0].record;
  const missing = CATALOG_COLUMNS.filter((c) => !header.includes(c));
  const unknown = header.filter((h) => !(CATALOG_COLUMNS as readonly string[]).includes(h));
  if (missing.length > 0 || unknown.length > 0) {
    throw new KpiCatalogError([
      `${opts.file}:1: header ${missing.length ? `lacks ${missing.join(", ")}` : ""}${missing.length && unknown.length ? " and " : ""}${unknown.length ? `has unknown ${unknown.join(", ")}` : ""}. Fix: use exactly ${CATALOG_COLUMNS.join(",")}.`,
    ]);
  }

  const kpis: KpiDefinition[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of rows.slice(1)) {
    const line = info.lines;
    const at = (c: Column) => `${opts.file}:${line}, column ${header.indexOf(c) + 1} (${c})`;
    if (record.length !== header.length) {
      problems.push(
        `${opts.file}:${line}: ${record.length} fields, the header has ${header.length}. Fix: quote fields that contain commas; fill every column.`,
      );
      continue;
    }
    const cell = (c: Column) => record[header.indexOf(c)];
    const parsed = kpiCatalogRow.safeParse(Object.fromEntries(CATALOG_COLUMNS.map((c) => [c, cell(c)])));
    const found: { column: Column; message: string }[] = parsed.success
      ? []
      : parsed.error.issues.map((i) => ({ column: i.path[0] as Column, message: i.message }));
    const failed = new Set(found.map((f) => f.column));
    const bad = (column: Column, why: string, fix: string) => found.push({ column, message: `${why}. Fix: ${fix}.` });

    // Rules across cells or files, checked on cells the schema accepted.
    const kpi = cell("kpi");
    if (!failed.has("kpi") && seen.has(kpi)) bad("kpi", `"${kpi}" is already defined on line ${seen.get(kpi)}`, "keep one row per KPI");
    seen.set(kpi, line);

    const viewCell = cell("view");
    const viewMatch = GOLD_VIEW.exec(viewCell);
    const viewSql: Partial<Record<ChannelMode, string>> = {};
    if (viewMatch) {
      for (const mode of CHANNEL_MODES) {
        const file = path.join(goldSqlDir, mode, `${viewMatch[1]}.sql`);
        const sql = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
        if (sql === undefined || definedView(sql) !== viewMatch[1]) {
          bad(
            "view",
            `${viewCell} is not defined by ${path.relative(REPO_ROOT, file)}`,
            `add that file with CREATE OR REPLACE VIEW ${viewCell} AS ... (every view needs its ${CHANNEL_MODES.join(" and ")} variant)`,
          );
        } else {
          viewSql[mode] = sql;
        }
      }
    }

    const importMode = cell("import_mode");
    const cadence = cell("refresh_cadence");
    const refresh = REFRESH_CADENCES[cadence];
    if (importMode === "DIRECT_QUERY" && cadence !== NO_REFRESH) {
      bad(
        "refresh_cadence",
        `"${cadence}" on a DIRECT_QUERY KPI, which reads the view live and is never refreshed`,
        `write ${NO_REFRESH}, or make it SPICE`,
      );
    } else if (importMode === "SPICE" && !refresh) {
      bad("refresh_cadence", `"${cadence}" is not a SPICE refresh cadence`, `use one of ${Object.keys(REFRESH_CADENCES).join(", ")}`);
    }

    const ownerTeam = cell("owner_team");
    if (!failed.has("owner_team") && opts.ownerTeams && !opts.ownerTeams.includes(ownerTeam)) {
      bad(
        "owner_team",
        `"${ownerTeam}" has no QuickSight group in retail:quicksight.ownerGroups`,
        `use one of ${opts.ownerTeams.join(", ")}, or map the team to its group in the stack config`,
      );
    }

    const eventTimeColumn = cell("event_time_column");
    // Both variants: the refresh window and the incremental lookback filter on it whichever mode is deployed.
    const lacking = CHANNEL_MODES.filter((m) => viewSql[m] !== undefined && !new RegExp(`\\b${eventTimeColumn}\\b`).test(viewSql[m]!));
    if (!failed.has("event_time_column") && lacking.length > 0) {
      bad(
        "event_time_column",
        `"${eventTimeColumn}" does not appear in ${viewCell}${lacking.length < CHANNEL_MODES.length ? ` (${lacking.join(", ")} variant)` : ""}`,
        "name a date column the view selects, usually day",
      );
    }

    const windowCell = cell("refresh_window_days");
    const hasWindow = windowCell !== "" && windowCell !== NO_WINDOW;
    const windowDays = hasWindow ? Number(windowCell) : undefined;
    if (!failed.has("refresh_window_days")) {
      const range = `${REFRESH_WINDOW_MIN_DAYS} to ${REFRESH_WINDOW_MAX_DAYS}`;
      if (importMode === "DIRECT_QUERY" && hasWindow) {
        bad(
          "refresh_window_days",
          `"${windowCell}" on a DIRECT_QUERY KPI, which is never refreshed (the dashboard's filters bound its queries)`,
          `leave it empty or write ${NO_WINDOW}, or make it SPICE`,
        );
      } else if (importMode === "SPICE" && windowDays === undefined) {
        bad(
          "refresh_window_days",
          `missing on a SPICE KPI, so every full refresh would scan every day of silver the view reads`,
          `give the days its dashboard shows, ${range}, small enough that a refresh stays under the owner workgroup's bytes-scanned cutoff`,
        );
      } else if (windowDays !== undefined && (windowDays < REFRESH_WINDOW_MIN_DAYS || windowDays > REFRESH_WINDOW_MAX_DAYS)) {
        bad("refresh_window_days", `${windowDays} days is outside ${range}`, `give a window of ${range} days`);
      } else if (windowDays !== undefined && refresh?.incremental && windowDays < INCREMENTAL_LOOKBACK_DAYS) {
        bad(
          "refresh_window_days",
          `${windowDays} days is shorter than the ${INCREMENTAL_LOOKBACK_DAYS}-day lookback of its ${cadence} incremental refresh`,
          `give at least ${INCREMENTAL_LOOKBACK_DAYS} days, or use an hourly or daily full refresh`,
        );
      }
    }

    if (found.length > 0) {
      // Stable sort: per column, the cell's own problem comes before the cross-cell ones, as a steward reads the row.
      const order = (c: Column) => CATALOG_COLUMNS.indexOf(c);
      for (const f of found.sort((a, b) => order(a.column) - order(b.column))) problems.push(`${at(f.column)}: ${f.message}`);
      continue;
    }
    const definition = cell("definition");
    const spill = cell("spill_to_direct_query");
    const steward = cell("steward_approved");
    const expectedRows = Number(cell("expected_rows"));
    const sourceProducts = sourceProductNames(cell("source_products"));
    const target = Number(cell("freshness_target_minutes"));
    kpis.push({
      kpi,
      definition,
      view: viewMatch![1],
      importMode: importMode as ImportMode,
      spillToDirectQuery: spill === "true",
      refresh,
      ownerTeam,
      stewardApproved: steward === "true",
      expectedRows,
      eventTimeColumn,
      sourceProducts,
      freshnessTargetMinutes: target,
      refreshWindowDays: importMode === "SPICE" ? windowDays : undefined,
      source: `${opts.file}:${line}`,
      viewSql: viewSql as Record<ChannelMode, string>,
    });
  }
  if (problems.length > 0) throw new KpiCatalogError(problems);
  if (kpis.length === 0) throw new KpiCatalogError([`${opts.file}: no KPI rows. Fix: add at least one KPI under the header.`]);
  return kpis;
}

/** Read and parse the catalog file (default: the repository's). */
export function loadKpiCatalog(opts: { file?: string; goldSqlDir?: string; ownerTeams?: readonly string[] } = {}): KpiDefinition[] {
  const file = opts.file ?? KPI_CATALOG_FILE;
  return parseKpiCatalog(fs.readFileSync(file, "utf8"), { ...opts, file: path.relative(REPO_ROOT, file) });
}

/**
 * The import mode a KPI is built with. Above the SPICE row cap a SPICE KPI runs as DIRECT_QUERY when the catalog
 * lets it spill, and is an error when the catalog pins SPICE: QuickSight would otherwise stop ingesting at the cap
 * and dashboards would show a silently truncated number.
 */
export function effectiveImportMode(
  kpi: Pick<KpiDefinition, "kpi" | "importMode" | "spillToDirectQuery" | "expectedRows" | "source">,
  spiceRowCap: number,
): ImportMode {
  if (kpi.importMode === "DIRECT_QUERY" || kpi.expectedRows <= spiceRowCap) return kpi.importMode;
  if (kpi.spillToDirectQuery) return "DIRECT_QUERY";
  throw new KpiCatalogError([
    `${kpi.source}: KPI "${kpi.kpi}" expects ${kpi.expectedRows} rows, above the SPICE cap of ${spiceRowCap}, and spill_to_direct_query is false. ` +
      `Fix: set spill_to_direct_query to true, aggregate the view to fewer rows, or raise retail:quicksight.spiceRowCap (at most the SPICE limit).`,
  ]);
}

/** The SPICE refresh a KPI gets once its import mode is settled: none for DIRECT_QUERY. */
export function effectiveRefresh(kpi: KpiDefinition, spiceRowCap: number): RefreshCadence | undefined {
  return effectiveImportMode(kpi, spiceRowCap) === "SPICE" ? kpi.refresh : undefined;
}

/** The statement Athena runs for a view file: header comments and the trailing semicolon dropped (StartQueryExecution takes one bare statement). */
export function viewStatement(sql: string): string {
  return sql
    .split("\n")
    .filter((l) => !/^\s*--/.test(l))
    .join("\n")
    .trim()
    .replace(/;\s*$/, "");
}

/** Namespaces (Glue databases) a set of view statements reads, e.g. retail_silver. */
export function referencedNamespaces(statements: readonly string[]): string[] {
  const found = new Set<string>();
  for (const s of statements) {
    for (const m of stripComments(s).matchAll(/\b(retail_[a-z0-9_]+)\.[a-z0-9_]+/g)) {
      if (m[1] !== GOLD_DATABASE) found.add(m[1]);
    }
  }
  return [...found].sort();
}
