import { Command, InvalidArgumentError } from "commander";
import { parseOptions, UsageError } from "../cliArgs";
import * as cliProgress from "cli-progress";
import Table from "cli-table3";
import { dashboardReport } from "../dashboard/report";
import { Fault, LakehouseDetail, LakehouseReport, runLakehouse, Stage, STAGES } from "./run";

/** `npm run --silent lakehouse -- --events <N> --seed <S> [--days <D>] [--fault <spec>] [--json]` */

export { UsageError };

function positiveInt(option: string, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
      throw new InvalidArgumentError(
        `${option} ${JSON.stringify(value)} is not a whole number from 1 to ${max}; pass e.g. ${option} ${Math.min(max, 100000)}`,
      );
    }
    return Number(value);
  };
}

function nonNegativeInt(option: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
      throw new InvalidArgumentError(`${option} ${JSON.stringify(value)} is not a whole number >= 0; pass e.g. ${option} 42`);
    }
    return Number(value);
  };
}

export function parseFault(value: string): Fault {
  const m = /^drop-silver=(\d*\.?\d+)$/.exec(value);
  const share = m ? Number(m[1]) : NaN;
  if (!m || !(share > 0 && share <= 1)) {
    throw new InvalidArgumentError(
      `--fault ${JSON.stringify(value)} is not a known fault; use drop-silver=<share> with 0 < share <= 1, e.g. --fault drop-silver=0.01`,
    );
  }
  return { kind: "drop-silver", share };
}

export interface CliOptions {
  readonly events: number;
  readonly seed: number;
  readonly days: number;
  readonly fault?: Fault;
  /** Erase this many members after the run through sql/erasure/member.sql. */
  readonly erase?: number;
  readonly json: boolean;
  /** Also write the dashboard's visuals over this run to this HTML file. */
  readonly report?: string;
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const program = new Command("lakehouse")
    .description("Generate synthetic retail data with known truth and run the sql/ pipeline on embedded DuckDB")
    .requiredOption("--events <N>", "events to generate (cart/browse events and POS lines)", positiveInt("--events", 200_000_000))
    .requiredOption("--seed <S>", "generator seed; the same seed gives the same data", nonNegativeInt("--seed"))
    .option("--days <D>", "days of data", positiveInt("--days", 366), 30)
    .option("--fault <spec>", "inject a fault after the merge, e.g. drop-silver=0.01", parseFault)
    .option("--erase <n>", "after the run, erase n loyalty members through the erasure SQL and report what is left", positiveInt("--erase", 100_000))
    .option("--json", "print one JSON object (design.md contract)", false)
    .option("--report <file.html>", "also write the dashboard's visuals over this run as one self-contained HTML file")
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (s) => process.stdout.write(s) });
  parseOptions(program, argv);
  const o = program.opts<{ events: number; seed: number; days: number; fault?: Fault; erase?: number; json: boolean; report?: string }>();
  return {
    events: o.events,
    seed: o.seed,
    days: o.days,
    fault: o.fault,
    ...(o.erase !== undefined ? { erase: o.erase } : {}),
    json: o.json,
    report: o.report,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

function printHuman(report: LakehouseReport, detail: LakehouseDetail): void {
  const kpi = new Table({ head: ["conversion_rate", "value", "error vs truth", "max region"] });
  kpi.push(["truth (hidden persons)", pct(report.truth.conversion_rate), "", ""]);
  kpi.push(["naive (email string match)", pct(report.naive.conversion_rate), pct(report.naive.error), pct(report.naive.maxRegionConversionRate)]);
  kpi.push([
    "bridged (identity_bridge)",
    pct(report.bridged.conversion_rate),
    pct(report.bridged.error),
    pct(report.bridged.maxRegionConversionRate),
  ]);
  console.log(kpi.toString());
  const regions = new Table({ head: ["region", "truth", "naive", "bridged"] });
  for (const r of detail.regions) regions.push([r.region, pct(r.truth), pct(r.naive), pct(r.bridged)]);
  console.log(regions.toString());
  const other = new Table({ head: ["other KPI (bridged, all days)", "value"] });
  for (const [k, v] of Object.entries(detail.kpis)) other.push([k, k.endsWith("per_day") ? v.toFixed(1) : pct(v)]);
  console.log(other.toString());
  const rec = new Table({ head: ["silver table", "source rows", "silver + quarantined", "status"] });
  for (const r of report.reconciliation) rec.push([r.table, r.source, r.silver, r.status]);
  console.log(rec.toString());
  const p = report.pruning;
  console.log(`pruning: one-day conversion_rate read ${p.oneDayBytes} bytes, all days ${p.allDaysBytes} bytes (ratio ${p.ratio.toFixed(4)})`);
  if (report.erasure) {
    const e = report.erasure;
    console.log(
      `erasure: ${e.members} members erased in ${report.seconds.erasure?.toFixed(2)} s; rows remaining ${e.rowsRemaining}, unaccounted ${e.unaccounted}`,
    );
  }
  const g = detail.generated;
  const total = STAGES.reduce((a, s) => a + report.seconds[s], 0);
  console.log(
    `generated ${g.cartEvents} cart events and ${g.posLines} POS lines for ${g.members} loyalty members in ${g.households} households; ` +
      `stages ${STAGES.map((s) => `${s} ${report.seconds[s].toFixed(2)} s`).join(", ")}; total ${total.toFixed(2)} s`,
  );
}

export async function main(argv: readonly string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`lakehouse: ${e.message}\n`);
      return 2;
    }
    return 0;
  }
  const bar = options.json ? undefined : new cliProgress.SingleBar({ format: "{bar} {stage} ({value}/{total})" }, cliProgress.Presets.shades_classic);
  bar?.start(STAGES.length, 0, { stage: "starting" });
  const page = options.report ? dashboardReport(options.report) : undefined;
  const { report, detail } = await runLakehouse({ ...options, beforeClose: page?.beforeClose }, (stage: Stage) =>
    bar?.update(stage === "erasure" ? STAGES.length : STAGES.indexOf(stage), { stage }),
  );
  bar?.update(STAGES.length, { stage: "done" });
  bar?.stop();
  if (options.json) console.log(JSON.stringify(report));
  else printHuman(report, detail);
  if (page) process.stderr.write(`lakehouse: dashboard written to ${await page.write(report, detail)}\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`lakehouse: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
