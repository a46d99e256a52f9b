import * as path from "path";
import { parseUtc, rollbackDeadline, ROLLBACK_MAX_HOURS } from "../core/rollback";
import Table from "cli-table3";
import { TAG } from "../core/tags";
import { PlanDetail, PlanReport } from "./plan";
import { RecordedResource } from "./harness";

/** The plan for people: resource summary, violations by level, freshness, cost, and lanes → tables → datasets. */

const PLATFORM = "retail:analytics:";
// Plain borders, no colour codes: the report is read in CI logs as often as in terminals.
const STYLE = { style: { head: [] as string[], border: [] as string[], compact: true } };

function tagsOf(r: RecordedResource): Record<string, string> {
  const t = r.inputs.tags;
  if (Array.isArray(t)) return Object.fromEntries(t.map((x: { key: string; value: string }) => [x.key, x.value]));
  return (t as Record<string, string>) ?? {};
}

const shortUrn = (urn: string) => urn.split("::").pop() ?? urn;

function resourceSummary(report: PlanReport, recorded: RecordedResource[]): string {
  const table = new Table({ head: ["type", "count", "protected"], ...STYLE });
  const byType = new Map<string, RecordedResource[]>();
  for (const r of recorded) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
  for (const [type, rs] of [...byType].sort(([a], [b]) => a.localeCompare(b))) {
    table.push([type, rs.length, rs.filter((r) => r.protect).length || ""]);
  }
  return `Resources (${report.resources.length})\n${table.toString()}\n`;
}

function violations(report: PlanReport): string {
  const out: string[] = [];
  for (const level of ["mandatory", "advisory"] as const) {
    const vs = report.policies.violations.filter((v) => v.enforcementLevel === level);
    out.push(`${level === "mandatory" ? "Mandatory" : "Advisory"} violations: ${vs.length}`);
    if (vs.length === 0) continue;
    const table = new Table({ head: ["policy", "resource", "message"], colWidths: [30, 28, 80], wordWrap: true, ...STYLE });
    for (const v of vs) table.push([v.policy, v.urn ? shortUrn(v.urn) : "(stack)", v.message]);
    out.push(table.toString());
  }
  return `${out.join("\n")}\n`;
}

function changes(report: PlanReport): string {
  const d = report.diff;
  if (!d) return "";
  const table = new Table({ head: ["change", "resource", "properties"], colWidths: [9, 70, 50], wordWrap: true, ...STYLE });
  for (const urn of d.create) table.push(["create", shortUrn(urn), ""]);
  for (const c of d.update) table.push(["update", shortUrn(c.urn), c.properties.join(", ")]);
  for (const c of d.replace) table.push(["REPLACE", shortUrn(c.urn), c.properties.join(", ")]);
  for (const urn of d.delete) table.push(["DELETE", shortUrn(urn), ""]);
  const counts = `${d.create.length} to create, ${d.update.length} to update, ${d.replace.length} to replace, ${d.delete.length} to delete`;
  return `Changes against ${d.against}: ${counts}\n${table.length > 0 ? `${table.toString()}\n` : ""}`;
}

function channelMode(report: PlanReport): string {
  const m = report.outputs.goldChannelMode as { mode?: string; since?: string } | undefined;
  if (!m?.mode) return "";
  const since = m.since ? parseUtc(m.since) : undefined;
  if (m.mode !== "store-only" || !since) return `Gold channel mode: ${m.mode}${m.since ? ` since ${m.since}` : ""}\n`;
  const hours = ((Date.now() - since.getTime()) / 3_600_000).toFixed(1);
  return `Gold channel mode: STORE-ONLY (the rollback) since ${m.since}, ${hours} h ago; alarms at ${rollbackDeadline(since).toISOString()} (${ROLLBACK_MAX_HOURS} h)\n`;
}

function freshness(report: PlanReport): string {
  const entries = Object.entries(report.freshness);
  if (entries.length === 0) return "Freshness budget: none exported (output freshnessBudget)\n";
  const table = new Table({ head: ["KPI", "worst case (min)", "budget (min)", ""], ...STYLE });
  for (const [kpi, f] of entries) table.push([kpi, f.minutes, f.budgetMinutes, f.minutes <= f.budgetMinutes ? "ok" : "OVER"]);
  return `Freshness budget\n${table.toString()}\n`;
}

function cost(report: PlanReport): string {
  const table = new Table({
    head: ["service", "resource", "quantity", "unit", "USD/month", "basis"],
    colWidths: [12, 34, 12, 26, 11, 44],
    wordWrap: true,
    ...STYLE,
  });
  for (const i of report.cost.items) table.push([i.service, i.resource, i.quantity, i.unit, i.monthlyUsd.toFixed(2), i.basis]);
  const assumptions = Object.values(report.cost.assumptions).map((a) => `  - ${a.text}`);
  return `Monthly cost estimate: $${report.cost.monthlyUsd.toFixed(2)}\n${table.toString()}\nassuming:\n${assumptions.join("\n")}\n${refreshes(report)}`;
}

const GIB = 1024 ** 3;

/** Bytes each SPICE refresh scans at the declared volume: the number the spice-refresh-within-cutoff rule holds to the workgroup cutoff. */
function refreshes(report: PlanReport): string {
  const scans = report.cost.refreshes ?? [];
  if (scans.length === 0) return "";
  const table = new Table({ head: ["KPI", "window (days)", "GiB/day", "GiB per refresh", "runs/month", "TiB/month", "not counted"], ...STYLE });
  for (const s of scans) {
    table.push([
      s.kpi ?? s.dataset,
      s.windowDays,
      (s.bytesPerDay / GIB).toFixed(2),
      (s.bytesPerRefresh / GIB).toFixed(2),
      s.runs.map((r) => `${Math.round(r.perMonth)} ${r.refreshType === "INCREMENTAL_REFRESH" ? `incr. (${r.days} d)` : "full"}`).join(", "),
      (s.bytesPerMonth / GIB / 1024).toFixed(2),
      s.uncounted.join(", "),
    ]);
  }
  return `SPICE refresh scans (bytes per refresh at the declared stream volume)\n${table.toString()}\n`;
}

/**
 * Each data product's lane, its bronze and silver tables, and the datasets that read it (a dataset reads
 * the products its KPI's catalog row lists; for other teams' programs, datasets are listed by KPI).
 */
function diagram(detail: PlanDetail): string {
  const rs = detail.recorded;
  const lanes = rs.filter((r) => r.type === `${PLATFORM}StreamingLane` || r.type === `${PLATFORM}BatchLane`);
  const tables = rs
    .filter((r) => r.type === "aws-native:s3tables:Table")
    .map((r) => tagsOf(r)[TAG.table])
    .filter(Boolean);
  const datasets = rs.filter((r) => r.type === "aws:quicksight/dataSet:DataSet");
  const sources = catalogSources(detail);
  const lines: string[] = ["Lanes → tables → datasets"];
  const products = new Map<string, string>();
  for (const r of rs) {
    const t = tagsOf(r);
    if (t[TAG.dataProduct] && t[TAG.lane]) products.set(t[TAG.dataProduct], t[TAG.lane]);
  }
  if (lanes.length === 0 && products.size === 0) lines.push("  (no lanes)");
  for (const [product, lane] of [...products].sort()) {
    const stream = rs.find((r) => r.type === "aws:kinesis/stream:Stream" && tagsOf(r)[TAG.dataProduct] === product);
    const via = lane === "stream" ? `Kinesis${stream?.inputs.shardCount ? ` (${stream.inputs.shardCount} shards)` : ""} → Firehose` : `Glue ${lane}`;
    const layers = ["retail_bronze", "retail_silver"].map((ns) => `${ns}.${product}`).filter((t) => tables.includes(t));
    const readers = datasets.map((d) => tagsOf(d)[TAG.kpi]).filter((k) => k && sources.get(k)?.includes(product));
    lines.push(`  ${product.padEnd(22)} ─[${via}]─▶ ${layers.join(" ─▶ ") || "(no table)"}${readers.length ? ` ─▶ ${readers.join(", ")}` : ""}`);
  }
  const unlinked = datasets.map((d) => tagsOf(d)[TAG.kpi] ?? d.name).filter((k) => !sources.has(k));
  if (unlinked.length > 0) lines.push(`  datasets: ${unlinked.join(", ")}`);
  return `${lines.join("\n")}\n`;
}

/** KPI → source products, from this repository's KPI catalog when the plan is of this platform's program. */
function catalogSources(detail: PlanDetail): Map<string, readonly string[]> {
  if (!detail.recorded.some((r) => r.type.startsWith(PLATFORM))) return new Map();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadKpiCatalog } = require("../core/kpiCatalog") as typeof import("../core/kpiCatalog");
  return new Map(loadKpiCatalog().map((k) => [k.kpi, k.sourceProducts]));
}

export function renderReport(report: PlanReport, detail: PlanDetail): string {
  const head = `Plan for stack "${report.stack}" (${path.relative(process.cwd(), detail.program) || detail.program})\n`;
  const assumptions = report.assumptions.length > 0 ? `Assumptions:\n${report.assumptions.map((a) => `  - ${a}`).join("\n")}\n` : "";
  return [
    head,
    assumptions,
    resourceSummary(report, detail.recorded),
    channelMode(report),
    changes(report),
    violations(report),
    freshness(report),
    cost(report),
    diagram(detail),
  ]
    .filter(Boolean)
    .join("\n");
}
