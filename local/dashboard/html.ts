import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../../core/paths";
import { DashboardData } from "./data";

/** chart.js's UMD build, inlined so the page needs no network. */
export const CHART_JS_FILE = path.join(REPO_ROOT, "node_modules", "chart.js", "dist", "chart.umd.min.js");

/** JSON safe inside a <script> element: no "</script>", no HTML comment openers. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

// Runs in the page: one headline, trend and breakdown per KPI, then conversion by region and freshness.
const PAGE_SCRIPT = `
const data = JSON.parse(document.getElementById("dashboard-data").textContent);
const charts = {};
const fmt = (unit, v) => unit === "share" ? (v * 100).toFixed(2) + " %" : v.toFixed(1);
const base = { animation: false, responsive: false, plugins: { legend: { display: true } } };
function chart(id, config) { charts[id] = new Chart(document.getElementById(id), { ...config, options: { ...base, ...(config.options || {}) } }); }
const main = document.getElementById("kpis");
for (const k of data.kpis) {
  const section = document.createElement("section");
  section.className = "kpi";
  section.dataset.kpi = k.kpi;
  section.innerHTML = '<h2></h2><p class="headline"></p><canvas width="520" height="240"></canvas><canvas width="360" height="240"></canvas>';
  section.querySelector("h2").textContent = k.kpi;
  section.querySelector(".headline").textContent = fmt(k.unit, k.headline) + (k.unit === "count" ? " per day" : "") + " over " + k.trend.length + " days";
  const [trend, parts] = section.querySelectorAll("canvas");
  trend.id = "trend-" + k.kpi; parts.id = "breakdown-" + k.kpi;
  trend.dataset.kpi = k.kpi; parts.dataset.kpi = k.kpi;
  main.appendChild(section);
  chart(trend.id, { type: "line", data: { labels: k.trend.map((p) => p.day), datasets: [{ label: k.kpi + " per day", data: k.trend.map((p) => p.value), borderColor: "#1f6feb", pointRadius: 2 }] } });
  chart(parts.id, { type: "bar", data: { labels: k.breakdown.map((p) => p.key), datasets: [{ label: k.kpi + " by " + k.breakdownBy, data: k.breakdown.map((p) => p.value), backgroundColor: "#2da44e" }] } });
}
chart("conversion-regions", { type: "bar", data: { labels: data.regions.map((r) => r.region), datasets: [
  { label: "truth", data: data.regions.map((r) => r.truth), backgroundColor: "#57606a" },
  { label: "naive (email match)", data: data.regions.map((r) => r.naive), backgroundColor: "#cf222e" },
  { label: "bridged (identity_bridge)", data: data.regions.map((r) => r.bridged), backgroundColor: "#1f6feb" } ] } });
if (data.freshness) {
  const f = data.freshness.kpis;
  chart("freshness", { type: "bar", data: { labels: f.map((k) => k.kpi), datasets: [
    { label: "measured p50 (min)", data: f.map((k) => k.measured.p50), backgroundColor: "#8c959f" },
    { label: "measured p95 (min)", data: f.map((k) => k.measured.p95), backgroundColor: "#1f6feb" },
    { label: "measured max (min)", data: f.map((k) => k.measured.max), backgroundColor: "#0a3069" },
    { label: "modelled worst case (min)", data: f.map((k) => k.modelMinutes), backgroundColor: "#bf8700" },
    { label: "target (min)", data: f.map((k) => k.budgetMinutes), backgroundColor: "#cf222e" } ] },
    options: { scales: { y: { type: "logarithmic" } } } });
}
window.__dashboard = { charts, kpis: data.kpis.map((k) => k.kpi) };
`;

/** One self-contained HTML page (chart.js and the data inlined) with the dashboard's visuals over a local run. */
export function dashboardHtml(data: DashboardData, chartJs: string = fs.readFileSync(CHART_JS_FILE, "utf8")): string {
  const f = data.freshness;
  const freshnessNote = f
    ? `Simulated freshness of stack ${escapeHtml(f.stack)} (seed ${f.seed}, ${f.hours} h at ${f.load} x peak): merge slot utilisation ${(f.slot.utilisation * 100).toFixed(1)} %, ${f.slot.keepsUp ? "keeps up" : "does NOT keep up"}.`
    : "No freshness simulation in this report.";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>Retail executive dashboard (local run, ${data.events} events)</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1f2328; }
#kpis { display: flex; flex-wrap: wrap; gap: 1rem; }
section { border: 1px solid #d0d7de; border-radius: 6px; padding: 0.75rem; }
.headline { font-size: 1.6rem; margin: 0.25rem 0 0.5rem; }
</style>
</head>
<body>
<h1>Retail executive dashboard: local run over ${data.events} generated events</h1>
<p>conversion_rate: truth ${(data.conversion.truth.conversion_rate * 100).toFixed(2)} %, naive ${(data.conversion.naive.conversion_rate * 100).toFixed(2)} % (error ${(data.conversion.naive.error * 100).toFixed(2)} %), bridged ${(data.conversion.bridged.conversion_rate * 100).toFixed(2)} % (error ${(data.conversion.bridged.error * 100).toFixed(2)} %)</p>
<div id="kpis"></div>
<section><h2>conversion_rate by region: truth vs naive vs bridged</h2><canvas id="conversion-regions" width="720" height="300"></canvas></section>
<section><h2>Freshness per KPI (minutes, log scale)</h2><p>${freshnessNote}</p><canvas id="freshness" width="720" height="300"></canvas></section>
<script type="application/json" id="dashboard-data">${scriptJson(data)}</script>
<script>${chartJs.replace(/<\/script/gi, "<\\/script")}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
