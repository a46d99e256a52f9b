import * as fs from "fs";
import { parseOptions, UsageError } from "../cliArgs";
import { Command, InvalidArgumentError } from "commander";
import Table from "cli-table3";
import { loadSimInputs, stackFilePath } from "./inputs";
import { DEFAULT_MERGE_MODEL, DEFAULT_SIM_OPTIONS, FreshnessResult, simulateFreshness, SimOptions } from "./simulate";

/**
 * `npm run --silent freshness -- [--stack prod|dev] [--config <file>] [--seed <S>] [--hours <H>] [--load <share>] [--json]`
 * Exit 0: every KPI's measured max is within core's modelled worst case. Exit 1: one is not (the model is wrong, or the
 * merge slot cannot keep up). Exit 2: bad options or config.
 */

export { UsageError };

export interface FreshnessCliOptions {
  readonly stack: string;
  readonly configFile: string;
  readonly json: boolean;
  readonly sim: SimOptions;
}

/** A numeric option in [min, max] (or (min, max] when `aboveMin`), naming the option and an example when it is not. */
function number(option: string, range: { min: number; max: number; integer: boolean; aboveMin?: boolean }, example: string) {
  return (value: string): number => {
    const n = Number(value);
    const low = range.aboveMin ? n > range.min : n >= range.min;
    if (value.trim() === "" || !Number.isFinite(n) || !low || n > range.max || (range.integer && !Number.isInteger(n))) {
      const bounds = range.aboveMin ? `above ${range.min} and at most ${range.max}` : `from ${range.min} to ${range.max}`;
      throw new InvalidArgumentError(
        `${option} ${JSON.stringify(value)} is not ${range.integer ? "a whole number" : "a number"} ${bounds}; pass e.g. ${option} ${example}`,
      );
    }
    return n;
  };
}

function oneOf(option: string, allowed: readonly string[]) {
  return (value: string): string => {
    if (!allowed.includes(value))
      throw new InvalidArgumentError(`${option} ${JSON.stringify(value)} is not one of ${allowed.join(", ")}; pass e.g. ${option} ${allowed[0]}`);
    return value;
  };
}

export function parseFreshnessArgs(argv: readonly string[]): FreshnessCliOptions {
  const d = DEFAULT_SIM_OPTIONS;
  const program = new Command("freshness")
    .description("Replay generated events on a simulated clock through the stack's buffering, merge slot and refresh schedules")
    .option("--stack <name>", "stack whose Pulumi.<stack>.yaml is replayed", oneOf("--stack", ["prod", "dev"]), "prod")
    .option("--config <file>", "replay this stack file instead of Pulumi.<stack>.yaml")
    .option(
      "--seed <S>",
      "random seed; the same seed gives the same numbers",
      number("--seed", { min: 0, max: 2 ** 32 - 1, integer: true }, "7"),
      d.seed,
    )
    .option("--hours <H>", "hours over which marked events are sent", number("--hours", { min: 1, max: 24 * 30, integer: true }, "48"), d.hours)
    .option("--probes <N>", "marked events per data product", number("--probes", { min: 1, max: 100_000, integer: true }, "2000"), d.probesPerProduct)
    .option(
      "--load <share>",
      "share of each stream's declared peak rate, sustained",
      number("--load", { min: 0, max: 10, integer: false, aboveMin: true }, "1"),
      d.load,
    )
    .option(
      "--phase <p>",
      "merge schedules start at a seeded second of their interval, or all at once",
      oneOf("--phase", ["random", "aligned"]),
      d.phase,
    )
    .option(
      "--statement-seconds <s>",
      "merge model: seconds per Athena statement",
      number("--statement-seconds", { min: 0, max: 600, integer: false }, "3"),
      DEFAULT_MERGE_MODEL.statementSeconds,
    )
    .option(
      "--rows-per-second <n>",
      "merge model: bronze rows read per second",
      number("--rows-per-second", { min: 0, max: 1e12, integer: false, aboveMin: true }, "1000000"),
      DEFAULT_MERGE_MODEL.rowsPerSecond,
    )
    .option(
      "--batch-rows <n>",
      "merge model: rows a batch product's merge reads per run",
      number("--batch-rows", { min: 0, max: 1e12, integer: true }, "5000000"),
      DEFAULT_MERGE_MODEL.batchRowsPerRun,
    )
    .option("--json", "print one JSON object", false)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (s) => process.stdout.write(s) });
  parseOptions(program, argv);
  const o = program.opts<{
    stack: string;
    config?: string;
    seed: number;
    hours: number;
    probes: number;
    load: number;
    phase: "random" | "aligned";
    statementSeconds: number;
    rowsPerSecond: number;
    batchRows: number;
    json: boolean;
  }>();
  const configFile = o.config ?? stackFilePath(o.stack);
  if (!fs.existsSync(configFile))
    throw new UsageError(`--config ${JSON.stringify(configFile)}: no such file; pass a stack file such as Pulumi.prod.yaml`);
  return {
    stack: o.stack,
    configFile,
    json: o.json,
    sim: {
      seed: o.seed,
      hours: o.hours,
      probesPerProduct: o.probes,
      load: o.load,
      phase: o.phase,
      model: { ...DEFAULT_MERGE_MODEL, statementSeconds: o.statementSeconds, rowsPerSecond: o.rowsPerSecond, batchRowsPerRun: o.batchRows },
    },
  };
}

function printHuman(r: FreshnessResult): void {
  const t = new Table({ head: ["KPI", "mode", "p50 min", "p95 min", "max min", "model min", "target min", "within model"] });
  for (const k of r.kpis) {
    t.push([
      k.kpi,
      k.mode,
      k.measured.p50,
      k.measured.p95,
      k.measured.max,
      k.modelMinutes,
      k.budgetMinutes,
      k.withinModel ? "yes" : k.neverMerged ? `NO (${k.neverMerged} never merged)` : "NO",
    ]);
  }
  const s = r.slot;
  console.log(`Freshness of stack ${r.stack}, simulated: seed ${r.seed}, ${r.hours} h of marked events at ${r.load} x the declared peak rates`);
  console.log(t.toString());
  console.log(
    `Merge slot (one merge at a time): utilisation ${(s.utilisation * 100).toFixed(1)} % (offered ${(s.offeredUtilisation * 100).toFixed(1)} %), ${s.runs} runs, ` +
      `${s.queuedInvocations} found it busy (${s.throttledAttempts} throttled attempts), wait p95 ${s.queueWait.p95} min / max ${s.queueWait.max} min, ` +
      `${s.dropped} dropped, ${s.timedOut} timed out: ${s.keepsUp ? "keeps up" : "DOES NOT keep up"}`,
  );
  for (const [product, f] of Object.entries(r.firehose)) {
    console.log(`Firehose ${product}: a flush every ${f.meanFlushSeconds} s, ${(f.sizeFlushShare * 100).toFixed(1)} % of them by size`);
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  let opts: FreshnessCliOptions;
  try {
    opts = parseFreshnessArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`freshness: ${e.message}`);
      return 2;
    }
    throw e;
  }
  let inputs;
  try {
    inputs = loadSimInputs(opts.configFile, opts.stack);
  } catch (e) {
    console.error(`freshness: ${opts.configFile}: ${(e as Error).message}`);
    return 2;
  }
  const result = await simulateFreshness(inputs, opts.sim);
  if (opts.json) console.log(JSON.stringify(result, null, 2));
  else printHuman(result);
  const over = result.kpis.filter((k) => !k.withinModel);
  for (const k of over) {
    console.error(
      `freshness: ${k.kpi} measured max ${k.measured.max} min exceeds the modelled worst case ${k.modelMinutes} min` +
        (k.neverMerged ? ` (${k.neverMerged} marked events never reached silver)` : "") +
        `: the model in core/freshness.ts misses a delay, or the merge slot does not keep up.`,
    );
  }
  return over.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
