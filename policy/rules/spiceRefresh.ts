import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { dailyLayerBytes, refreshScanBytes } from "../../core/cost";
import { refreshWindowOf, RefreshWindow } from "../../core/refreshWindow";
import { TAG } from "../../core/tags";
import { policyHeader, settingsFor } from "../config";
import { deferringUnknowns, readNumber, tagsOf } from "./facts";

/**
 * A full SPICE refresh is one Athena query over the dataset's SQL; past the workgroup's bytes-scanned cutoff Athena
 * cancels it and the dashboard keeps stale rows. So a SPICE dataset's window (read back from the SQL that runs, in
 * the one form core/refreshWindow.ts writes) times the daily silver volume its view reads (the streams' declared peak
 * and record size, as the cost model sizes them) must stay below the cutoff of the workgroup its data source queries
 * through. Equal counts as over: an estimate at the cutoff leaves no headroom for a busier day.
 */

const DATASET_TYPES = ["aws:quicksight/dataSet:DataSet", "aws-native:quicksight:DataSet"];
const DATA_SOURCE_TYPES = ["aws:quicksight/dataSource:DataSource", "aws-native:quicksight:DataSource"];
const WORKGROUP_TYPES = ["aws:athena/workgroup:Workgroup", "aws-native:athena:WorkGroup"];
const STREAM_TYPES = ["aws:kinesis/stream:Stream", "aws-native:kinesis:Stream"];

const GIB = 1024 ** 3;
const gib = (bytes: number) => `${(bytes / GIB).toFixed(2)} GiB`;

interface PhysicalTable {
  readonly key: string;
  readonly sql?: string;
  readonly dataSourceArn?: string;
}

/** The physical tables of either dataset type: a list on the classic one, a map by id on aws-native's. */
function physicalTables(ds: PolicyResource): { property: string; tables: PhysicalTable[] } {
  const read = (key: string, t: any): PhysicalTable => {
    const source = t?.customSql ?? t?.relationalTable ?? t?.s3Source;
    return { key, sql: t?.customSql?.sqlQuery, dataSourceArn: source?.dataSourceArn };
  };
  if (ds.type === DATASET_TYPES[0]) {
    const maps: any[] = ds.props.physicalTableMaps ?? [];
    return { property: "physicalTableMaps", tables: maps.map((t, i) => read(String(t?.physicalTableMapId ?? i), t)) };
  }
  const map: Record<string, any> = ds.props.physicalTableMap ?? {};
  return { property: "physicalTableMap", tables: Object.keys(map).map((k) => read(k, map[k])) };
}

/** The data source a table reads: by ARN (`…:datasource/<id>`) when known, else by the dataset's dependency on it. */
function dataSourceOf(ds: PolicyResource, property: string, arn: string | undefined, all: PolicyResource[]): PolicyResource | undefined {
  const sources = all.filter((r) => DATA_SOURCE_TYPES.includes(r.type));
  const byArn = arn && sources.find((s) => typeof s.props.dataSourceId === "string" && arn.endsWith(`:datasource/${s.props.dataSourceId}`));
  if (byArn) return byArn;
  const deps = (ds.propertyDependencies?.[property] ?? []).filter((d) => DATA_SOURCE_TYPES.includes(d.type));
  return deps.length === 1 ? sources.find((s) => s.urn === deps[0].urn) : undefined;
}

/** The workgroup a data source queries through, and its cutoff (undefined when it sets none). */
function workgroupOf(source: PolicyResource, all: PolicyResource[]): { wg: PolicyResource; cutoff?: number } | undefined {
  const name =
    source.type === DATA_SOURCE_TYPES[0]
      ? source.props.parameters?.athena?.workGroup
      : source.props.dataSourceParameters?.athenaParameters?.workGroup;
  const workgroups = all.filter((r) => WORKGROUP_TYPES.includes(r.type));
  const deps = (source.propertyDependencies?.[source.type === DATA_SOURCE_TYPES[0] ? "parameters" : "dataSourceParameters"] ?? []).filter((d) =>
    WORKGROUP_TYPES.includes(d.type),
  );
  const wg = workgroups.find((w) => typeof name === "string" && w.props.name === name) ?? workgroups.find((w) => deps.some((d) => d.urn === w.urn));
  if (!wg) return undefined;
  const raw =
    wg.type === WORKGROUP_TYPES[0] ? wg.props.configuration?.bytesScannedCutoffPerQuery : wg.props.workGroupConfiguration?.bytesScannedCutoffPerQuery;
  return { wg, cutoff: typeof raw === "number" && raw > 0 ? raw : undefined };
}

/** Daily silver bytes per streamed product, from each stream's declared peak and record size (as the cost model reads them). */
function streamedBytesPerDay(all: PolicyResource[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of all.filter((r) => STREAM_TYPES.includes(r.type))) {
    const t = tagsOf(s.props, s.provider);
    const product = t[TAG.dataProduct];
    const peak = readNumber(t[TAG.peakRecordsPerSecond] ?? "");
    const bytes = readNumber(t[TAG.avgRecordBytes] ?? "");
    // An unreadable or missing peak is kinesis-peak-declared's and kinesis-shards-for-peak's finding.
    if (product && peak.kind === "number" && bytes.kind === "number")
      out.set(product, (out.get(product) ?? 0) + dailyLayerBytes(peak.value, bytes.value));
  }
  return out;
}

export const spiceRefreshWithinCutoff: StackValidationPolicy = {
  ...policyHeader(
    "spice-refresh-within-cutoff",
    "A SPICE dataset's full refresh (its window × the daily silver volume it reads) stays below its Athena workgroup's bytes-scanned cutoff.",
  ),
  validateStack: (args, report) => {
    const datasets = args.resources.filter((r) => DATASET_TYPES.includes(r.type) && r.props.importMode === "SPICE");
    if (datasets.length === 0) return args.notApplicable("no SPICE datasets");
    const { kpiSourceProducts } = settingsFor<{ kpiSourceProducts: Record<string, string[]> }>("spice-refresh-within-cutoff", args);
    const perDay = streamedBytesPerDay(args.resources);
    const streamed = [...perDay.keys()].sort();
    deferringUnknowns(
      datasets,
      (ds) => {
        const { property, tables } = physicalTables(ds);
        const dsTags = tagsOf(ds.props, ds.provider);
        const kpi = dsTags[TAG.kpi];
        const eventTime = dsTags[TAG.eventTimeColumn];
        // The catalog's word on what a KPI's view reads; any other dataset, or one whose catalog products none of
        // this stack's streams carry (a borrowed KPI name), is taken to read every streamed product.
        const listed = (kpi !== undefined && kpiSourceProducts[kpi]) || [];
        const products = listed.some((p) => perDay.has(p)) ? listed : streamed;
        const label = `QuickSight dataset "${ds.name}"${kpi ? ` (KPI ${kpi})` : ""}`;
        for (const table of tables) {
          const source = dataSourceOf(ds, property, table.dataSourceArn, args.resources);
          const workgroup = source && workgroupOf(source, args.resources);
          // Without a workgroup in this stack there is no cutoff to hold the refresh to; a workgroup with no cutoff is athena-bytes-scanned-cutoff's finding.
          if (workgroup?.cutoff === undefined) continue;
          const against = `the ${gib(workgroup.cutoff)} bytes-scanned cutoff of Athena workgroup "${workgroup.wg.name}"`;
          const window: RefreshWindow | undefined = table.sql === undefined ? undefined : refreshWindowOf(table.sql);
          if (!window) {
            report(
              `${label} imports ${table.sql === undefined ? "a table with no custom SQL" : JSON.stringify(table.sql)} into SPICE with no refresh window the pack can read, ` +
                `so each full refresh scans every day its SQL reads, against ${against}. ` +
                `Fix: write its SQL as SELECT * FROM <database>.<view> WHERE <day column> > current_date - INTERVAL '<days>' DAY (refresh_window_days in the KPI catalog), or import it as DIRECT_QUERY.`,
              ds.urn,
            );
            continue;
          }
          // The bound prunes silver only on the view's day column (a grouping key on event_ts); on another column (an
          // aggregate computed after a full scan) it bounds nothing the refresh reads.
          if (window.dayColumn !== eventTime) {
            report(
              `${label} bounds its refresh on ${window.dayColumn}, not on its event-time column (${TAG.eventTimeColumn} = ${JSON.stringify(eventTime ?? null)}), ` +
                `so nothing says the bound reaches the silver it reads, against ${against}. Fix: bound it on the view's day column and tag that column ${TAG.eventTimeColumn}.`,
              ds.urn,
            );
            continue;
          }
          const scan = refreshScanBytes(window.days, products, perDay);
          if (scan.bytes < workgroup.cutoff) continue;
          const fits = Math.ceil(workgroup.cutoff / scan.bytesPerDay) - 1;
          report(
            `${label} refreshes ${window.days} days of ${window.table}: about ${gib(scan.bytes)} a full refresh ` +
              `(${window.days} days × ${gib(scan.bytesPerDay)}/day of ${products.filter((p) => perDay.has(p)).join(", ")} at the declared stream volume), ` +
              `at or above ${against}, which would cancel the refresh. ` +
              `Fix: ${fits >= 1 ? `shorten refresh_window_days to at most ${fits}, ` : ""}import it as DIRECT_QUERY, or point it at a gold aggregate table instead of a view over silver.`,
            ds.urn,
          );
        }
      },
      (ds) => `QuickSight dataset "${ds.name}"'s SQL, data source or workgroup`,
    );
  },
};
