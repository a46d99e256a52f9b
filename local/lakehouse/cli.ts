import { Command, InvalidArgumentError } from "commander";
import { parseOptions, UsageError } from "../cliArgs";
import * as cliProgress from "cli-progress";
import Table from "cli-table3";
import { dashboardReport } from "../dashboard/report";
import { Fault, LakehouseDetail, LakehouseReport, runLakehouse, Stage, STAGES } from "./run";
import { FAULT_KINDS } from "./faults";
import { InputError } from "./input";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { settingsFor } from "../bench-lakehouse";

/**
 * `npm run --silent lakehouse -- --events <N> --seed <S> [--days <D>] [--fault <spec>] [--json]`, or
 * `--input <dir>` (a user's own bronze rows instead of generated ones) and `--out <dir>` (where every row went).
 */

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
  if (m) {
    const share = Number(m[1]);
    if (share > 0 && share <= 1) return { kind: "drop-silver", share };
  }
  if (value === "id-collision" || value === "resend-late" || value === "future-events" || value === "forge-bridge") return { kind: value };
  throw new InvalidArgumentError(
    `--fault ${JSON.stringify(value)} is not a known fault; use drop-silver=<share> with 0 < share <= 1 (e.g. --fault drop-silver=0.01), ` +
      `or one of ${FAULT_KINDS.filter((k) => k !== "drop-silver").join(", ")}`,
  );
}

export interface CliOptions {
  readonly events: number;
  readonly seed: number;
  readonly days: number;
  readonly fault?: Fault;
  /** Erase this many members after the run through sql/erasure/member.sql. */
  readonly erase?: number;
  /** Bronze rows from `<dir>/<product>.jsonl` instead of generated ones. */
  readonly input?: string;
  /** Write silver, quarantine, duplicates and the accounting here. */
  readonly out?: string;
  readonly json: boolean;
  /** Also write the dashboard's visuals over this run to this HTML file. */
  readonly report?: string;
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const program = new Command("lakehouse")
    .description("Generate synthetic retail data with known truth (or read your own bronze rows) and run the sql/ pipeline on embedded DuckDB")
    .option("--events <N>", "events to generate (cart/browse events and POS lines)", positiveInt("--events", 200_000_000))
    .option("--seed <S>", "generator seed; the same seed gives the same data", nonNegativeInt("--seed"))
    .option("--days <D>", "days of data", positiveInt("--days", 366), 30)
    .option("--input <dir>", "read bronze rows from <dir>/<product>.jsonl (bronze column names) instead of generating them")
    .option("--out <dir>", "write silver tables, quarantine (with reasons), duplicates and the accounting as JSON Lines / JSON")
    .option("--fault <spec>", "drop-silver=<share>, id-collision, resend-late, future-events or forge-bridge", parseFault)
    .option("--erase <n>", "after the run, erase n loyalty members through the erasure SQL and report what is left", positiveInt("--erase", 100_000))
    .option("--json", "print one JSON object (design.md contract)", false)
    .option("--report <file.html>", "also write the dashboard's visuals over this run as one self-contained HTML file")
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (s) => process.stdout.write(s) });
  parseOptions(program, argv);
  const o = program.opts<{
    events?: number;
    seed?: number;
    days: number;
    input?: string;
    out?: string;
    fault?: Fault;
    erase?: number;
    json: boolean;
    report?: string;
  }>();
  if (o.input === undefined) {
    if (o.events === undefined) throw new UsageError("error: required option '--events <N>' not specified (or pass --input <dir>)");
    if (o.seed === undefined) throw new UsageError("error: required option '--seed <S>' not specified (or pass --input <dir>)");
  } else {
    if (o.events !== undefined || o.seed !== undefined)
      throw new UsageError("--input reads your rows; drop --events and --seed, which generate rows");
    if (o.report !== undefined) throw new UsageError("--report compares with the generator's truth, which --input rows lack; drop one of them");
  }
  return {
    events: o.events ?? 0,
    seed: o.seed ?? 0,
    days: o.days,
    fault: o.fault,
    ...(o.erase !== undefined ? { erase: o.erase } : {}),
    ...(o.input !== undefined ? { input: o.input } : {}),
    ...(o.out !== undefined ? { out: o.out } : {}),
    json: o.json,
    report: o.report,
  };
}

const pct = (x: number | null | undefined) => (typeof x === "number" && Number.isFinite(x) ? `${(x * 100).toFixed(2)} %` : "n/a");

function printHuman(report: LakehouseReport, detail: LakehouseDetail): void {
  const kpi = new Table({ head: ["conversion_rate", "value", "error vs truth", "max region"] });
  kpi.push(["truth (hidden persons)", pct(report.truth?.conversion_rate), "", ""]);
  kpi.push(["naive (email string match)", pct(report.naive?.conversion_rate), pct(report.naive?.error), pct(report.naive?.maxRegionConversionRate)]);
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
  const acc = new Table({ head: ["bronze product", "bronze", "silver", "quarantined", "duplicates", "unaccounted"] });
  for (const [product, a] of Object.entries(report.accounting)) acc.push([product, a.bronze, a.silver, a.quarantined, a.duplicates, a.unaccounted]);
  console.log(acc.toString());
  console.log(
    `quarantine reasons: ${
      Object.entries(report.quarantineReasons)
        .map(([r, n]) => `${r} ${n}`)
        .join(", ") || "none"
    }`,
  );
  if (report.fault) console.log(`fault ${report.fault.kind}: ${report.fault.caught ? "caught" : "NOT CAUGHT"} (${report.fault.detail})`);
  const p = report.pruning;
  console.log(`pruning: one-day conversion_rate read ${p.oneDayBytes} bytes, all days ${p.allDaysBytes} bytes (ratio ${p.ratio.toFixed(4)})`);
  const refresh = new Table({ head: ["SPICE refresh (dataset SQL)", "bytes at 1 day", "bytes at 30 days", "30 d / 1 d", "days returned"] });
  for (const [k, r] of Object.entries(report.refreshBytes)) refresh.push([k, r.days1, r.days30, r.ratio.toFixed(2), r.daysReturned.join(" / ")]);
  console.log(refresh.toString());
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
  let run: Awaited<ReturnType<typeof runLakehouse>>;
  // Sized as the bench sizes a run of this many events (threads, memory limit, an on-disk database at 10M+), so a
  // user's run peaks where the bench's does; it reconciles every day all the same.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-"));
  const { reconcileDays: _benchDays, ...sizing } = settingsFor(options.events, scratch);
  try {
    run = await runLakehouse({ ...options, ...sizing, beforeClose: page?.beforeClose }, (stage: Stage) =>
      bar?.update(stage === "erasure" ? STAGES.length : STAGES.indexOf(stage), { stage }),
    );
  } catch (e) {
    bar?.stop();
    if (e instanceof InputError) {
      process.stderr.write(`lakehouse: ${e.message}\n`);
      return 2;
    }
    throw e;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const { report, detail } = run;
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
