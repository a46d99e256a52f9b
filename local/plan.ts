import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../core/paths";
import * as pulumi from "@pulumi/pulumi";
import { Command, InvalidArgumentError } from "commander";
import { parse as parseYaml } from "yaml";
import { analyzeAll, PackConfig, PolicyPackProcess, startPolicyPack } from "./analyzer";
import { CostEstimate, estimateCost } from "../core/cost";
import { costCeilingFinding, stackUrn, unwrittenColumnFindings, Violation, violationsOf } from "./findings";
import { unwrittenColumns } from "../core/sql/columnWriters";
import { loadTableDefs } from "../core/tables";
import { diffPlans, modeSwitchFindings, PlanDiff, protectedChanges, readEarlierPlan } from "./diff";
import { readStackFile, runInProgress, runProgram, RecordedResource } from "./harness";
import { PACK_CONFIG_FILE } from "./packConfig";

/**
 * `npm run plan`: the real program under runtime mocks, every policy of the real pack on what it registers,
 * the freshness budget the program exports and a monthly cost estimate. Offline and deterministic, so CI
 * and reviewers get `pulumi preview --policy-pack policy` answers without an AWS account.
 * Exit codes (design.md "Contracts"): 0 clean, 1 a mandatory violation, 2 invalid config or KPI catalog; 3 if the program
 * itself fails for another reason (never mistaken for a clean plan).
 */

export const DEFAULT_PROGRAM = path.join(REPO_ROOT, "infra", "index.ts");
const SALT_KEY = "retail:emailHashSalt";
// Passes the program's salt format check; it only ever feeds mocks, and is marked secret like the real one.
const OFFLINE_SALT = "offline-plan-placeholder-salt-not-a-real-secret";

export type { Violation };

export interface PlanOptions {
  readonly stack: string;
  /** A stack file replacing Pulumi.<stack>.yaml. */
  readonly config?: string;
  /** Another team's program entry; defaults to this repository's infra/index.ts. */
  readonly program?: string;
  /** An earlier plan JSON to diff against (what `pulumi up` would create, update, replace, delete). */
  readonly against?: string;
  /** Base for relative --config and --program paths. */
  readonly cwd?: string;
}

export interface PlannedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly inputs: Record<string, unknown>;
  /** Resource options the offline diff (--against) needs; present only when set. */
  readonly protect?: true;
  readonly ignoreChanges?: string[];
  readonly replaceOnChanges?: string[];
}

export interface PlanReport {
  readonly stack: string;
  readonly resources: PlannedResource[];
  readonly outputs: Record<string, unknown>;
  readonly policies: { violations: Violation[] };
  readonly freshness: Record<string, { minutes: number; budgetMinutes: number }>;
  readonly cost: CostEstimate;
  /** What the runner supplied or could not know offline (placeholder secrets, undecryptable keys). */
  readonly assumptions: string[];
  /** Present with --against. */
  readonly diff?: PlanDiff;
}

/** What the human report draws on beyond the JSON contract. */
export interface PlanDetail {
  readonly program: string;
  readonly recorded: RecordedResource[];
}

export type PlanOutcome =
  { readonly exitCode: 0 | 1; readonly report: PlanReport; readonly detail: PlanDetail } | { readonly exitCode: 2 | 3; readonly errors: string[] };

/** The stack file and project for a program: the nearest Pulumi.yaml above it. */
function projectOf(program: string): { dir: string; name?: string } {
  for (let dir = path.dirname(program); ; dir = path.dirname(dir)) {
    const file = path.join(dir, "Pulumi.yaml");
    if (fs.existsSync(file)) return { dir, name: parseYaml(fs.readFileSync(file, "utf8"))?.name };
    if (path.dirname(dir) === dir) return { dir: path.dirname(program) };
  }
}

/** How the program's input errors begin: ConfigError (infra/config/parse.ts), KpiCatalogError (core/kpiCatalog.ts), SchemaChangeError (core/schemaChange.ts). */
const INPUT_ERRORS = ["invalid stack configuration", "invalid KPI catalog", "invalid table schema change"];

/** The problems of a config or catalog error, which exit 2; matched by shape because the harness reloads the program's modules. */
export function inputProblems(err: unknown): string[] | undefined {
  const e = err as { problems?: unknown; message?: unknown };
  if (Array.isArray(e?.problems) && typeof e.message === "string" && INPUT_ERRORS.some((p) => (e.message as string).startsWith(p))) {
    return e.problems.map(String);
  }
  return undefined;
}

const SECRET_SIG = pulumi.runtime.specialSecretSig;

/** Inputs fit to print: secrets redacted, assets and archives named rather than dumped. */
export function printable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(printable);
  if (v === null || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  if (o[pulumi.runtime.specialSigKey] === SECRET_SIG) return "[secret]";
  if (pulumi.asset.Asset.isInstance(v) || pulumi.asset.Archive.isInstance(v)) return `[${v.constructor.name}]`;
  if (typeof (o as { then?: unknown }).then === "function") return "[pending]";
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, printable(x)]));
}

/** A recorded resource as the plan JSON lists it: printable inputs (an archive named with its digest) and its diff options. */
export function plannedResource(r: RecordedResource): PlannedResource {
  const inputs = printable(r.inputs) as Record<string, unknown>;
  // "[AssetArchive]" becomes "[AssetArchive sha256:…]"; an input holding assets deeper in is named by its digest alone.
  for (const [key, digest] of Object.entries(r.assetDigests)) {
    const shown = inputs[key];
    inputs[key] = typeof shown === "string" ? `${shown.replace(/\]$/, "")} sha256:${digest}]` : `[assets sha256:${digest}]`;
  }
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    inputs,
    ...(r.protect ? { protect: true as const } : {}),
    ...(r.ignoreChanges.length > 0 ? { ignoreChanges: [...r.ignoreChanges] } : {}),
    ...(r.replaceOnChanges.length > 0 ? { replaceOnChanges: [...r.replaceOnChanges] } : {}),
  };
}

function freshnessOf(outputs: Record<string, unknown>): PlanReport["freshness"] {
  const budget = outputs.freshnessBudget as Record<string, { minutes: number; budgetMinutes: number }> | undefined;
  if (!budget || typeof budget !== "object") return {};
  return Object.fromEntries(Object.entries(budget).map(([kpi, b]) => [kpi, { minutes: b.minutes, budgetMinutes: b.budgetMinutes }]));
}

/** The pack `pulumi preview --policy-pack policy` runs. */
export const POLICY_DIR = path.join(REPO_ROOT, "policy");

export async function plan(opts: PlanOptions): Promise<PlanOutcome> {
  // The pack starts in its own process while the program runs, as the CLI starts its analyzer beside the program.
  const pack = startPolicyPack(POLICY_DIR);
  pack.catch(() => undefined); // awaited below; a program that fails first never needs it
  try {
    return await planProgram(opts, pack);
  } finally {
    pack.then(
      (p) => p.close(),
      () => undefined,
    );
  }
}

async function planProgram(opts: PlanOptions, pack: Promise<PolicyPackProcess>): Promise<PlanOutcome> {
  const cwd = opts.cwd ?? process.cwd();
  const program = opts.program ? path.resolve(cwd, opts.program) : DEFAULT_PROGRAM;
  const ours = program === DEFAULT_PROGRAM;
  if (!fs.existsSync(program))
    return {
      exitCode: 2,
      errors: [`--program = ${JSON.stringify(opts.program)}: no such file. Fix: give the program's entry module, e.g. infra/index.ts.`],
    };
  const earlier = opts.against === undefined ? undefined : readEarlierPlan(opts.against, cwd);
  if (earlier && "error" in earlier) return { exitCode: 2, errors: [earlier.error] };
  const project = projectOf(program);
  const stackFile = opts.config ? path.resolve(cwd, opts.config) : path.join(project.dir, `Pulumi.${opts.stack}.yaml`);
  const assumptions: string[] = [];
  let config: Record<string, string> = {};
  let encrypted: string[] = [];
  if (fs.existsSync(stackFile)) {
    try {
      ({ config, encryptedKeys: encrypted } = readStackFile(stackFile));
    } catch (e) {
      return {
        exitCode: 2,
        errors: [
          `${path.relative(cwd, stackFile)}: not a valid stack file (${(e as Error).message}). Fix: give a Pulumi.<stack>.yaml with a top-level config: map.`,
        ],
      };
    }
  } else if (opts.config || ours) {
    return {
      exitCode: 2,
      errors: [
        `${opts.config ? "--config" : "stack file"} = ${JSON.stringify(path.relative(cwd, stackFile))}: no such file. Fix: create it, or pass --config <file> in the Pulumi.<stack>.yaml format.`,
      ],
    };
  } else {
    assumptions.push(`no ${path.basename(stackFile)} beside the program: it ran with empty config`);
  }
  const secretKeys = [...encrypted];
  if (encrypted.length > 0) assumptions.push(`encrypted config cannot be decrypted offline and is absent: ${encrypted.join(", ")}`);
  if (ours && config[SALT_KEY] === undefined) {
    config = { ...config, [SALT_KEY]: OFFLINE_SALT };
    secretKeys.push(SALT_KEY);
    assumptions.push(`${SALT_KEY} is a secret that is never committed: the plan used an offline placeholder, marked secret`);
  }

  // Another team's program reads this platform through a StackReference (consumer/retailPlatform.ts); offline,
  // a reference to <org>/retail-analytics/<s> is answered with this platform's own plan of stack <s> (the consumer's
  // stack and the platform stack it reads need not share a name: a consumer's dev may read the platform's prod).
  // The platform is planned only when a program asks for it: the first run records what it referenced.
  const platformRef = /^[^/]+\/retail-analytics\/([A-Za-z0-9_.-]+)$/;
  const platformOutputs = new Map<string, Record<string, unknown>>();
  const wanted = new Set<string>();
  const stackReferences = (name: string) => {
    const stack = platformRef.exec(name)?.[1];
    if (stack === undefined) return undefined;
    if (!platformOutputs.has(stack)) wanted.add(stack);
    return platformOutputs.get(stack);
  };
  const runOnce = () => runProgram({ stack: opts.stack, project: project.name, config, secretKeys, program, stackReferences });

  let run;
  try {
    try {
      run = await runOnce();
    } catch (e) {
      if (ours || wanted.size === 0) throw e;
      for (const stack of [...wanted].sort()) {
        const platform = await plan({ stack, cwd });
        if (!("report" in platform))
          return { exitCode: platform.exitCode, errors: [`planning the platform stack ${stack} the program references failed:`, ...platform.errors] };
        platformOutputs.set(stack, platform.report.outputs);
        assumptions.push(`StackReferences to <org>/retail-analytics/${stack} were answered with this platform's own ${stack} plan`);
      }
      run = await runOnce();
    }
  } catch (e) {
    const problems = inputProblems(e);
    if (problems) return { exitCode: 2, errors: problems };
    return { exitCode: 3, errors: [`the program failed: ${(e as Error)?.stack ?? String(e)}`] };
  }

  // The same file the CLI gets as `--policy-pack-config policy/pack-config.json`.
  const configFile = path.relative(cwd, PACK_CONFIG_FILE);
  let packConfig: PackConfig;
  try {
    packConfig = JSON.parse(fs.readFileSync(PACK_CONFIG_FILE, "utf8"));
    if (typeof packConfig !== "object" || packConfig === null || Array.isArray(packConfig)) throw new Error("not a JSON object of policy names");
  } catch (e) {
    return { exitCode: 2, errors: [`${configFile}: ${(e as Error).message}. Fix: run npm run policy:config to write it from the KPI catalog.`] };
  }
  let analyzer: PolicyPackProcess;
  try {
    analyzer = await pack;
  } catch (e) {
    return { exitCode: 3, errors: [`the policy pack failed to start: ${(e as Error).message}`] };
  }
  try {
    await analyzer.configure(packConfig);
  } catch (e) {
    return { exitCode: 2, errors: [`${configFile}: ${(e as Error).message}`] };
  }
  const resources = [...run.resources].sort((a, b) => a.urn.localeCompare(b.urn)).map(plannedResource);
  const diff = earlier && diffPlans(earlier.resources, resources, opts.against!);
  const diagnostics = await analyzeAll(analyzer, run.resources);
  const cost = estimateCost(run.resources);
  const findings = [
    ...diagnostics,
    ...costCeilingFinding(cost, config),
    // The repository's own SQL judges the repository's own program only.
    ...(ours ? unwrittenColumnFindings(unwrittenColumns([...loadTableDefs().values()])) : []),
    ...(diff ? [...protectedChanges(diff, earlier.resources, resources), ...modeSwitchFindings(earlier.outputs, run.outputs)] : []),
  ];
  const violations = violationsOf(findings, stackUrn(run.project, opts.stack));
  const report: PlanReport = {
    stack: opts.stack,
    resources,
    outputs: run.outputs,
    policies: { violations },
    freshness: freshnessOf(run.outputs),
    cost,
    assumptions,
    ...(diff ? { diff } : {}),
  };
  return { exitCode: violations.some((v) => v.enforcementLevel === "mandatory") ? 1 : 0, report, detail: { program, recorded: run.resources } };
}

function stackName(v: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(v)) throw new InvalidArgumentError("a stack name such as dev or prod");
  return v;
}

export async function main(argv: string[]): Promise<number> {
  const cmd = new Command("plan")
    .description("Run the program under mocks, the policy pack on every resource and the stack, and report freshness and cost.")
    .requiredOption("--stack <stack>", "stack whose Pulumi.<stack>.yaml to use (dev, prod)", stackName)
    .option("--config <file>", "stack file replacing Pulumi.<stack>.yaml")
    .option("--program <entry.ts>", "another Pulumi TypeScript program to plan against this pack")
    .option("--against <plan.json>", "an earlier plan's JSON: report what pulumi up would create, update, replace and delete")
    .option("--json", "print the plan as one JSON object")
    .exitOverride();
  try {
    cmd.parse(argv);
  } catch (e) {
    return (e as { exitCode?: number }).exitCode === 0 ? 0 : 2;
  }
  const o = cmd.opts<{ stack: string; config?: string; program?: string; against?: string; json?: boolean }>();
  const outcome = await plan({ stack: o.stack, config: o.config, program: o.program, against: o.against });
  if ("errors" in outcome) {
    process.stderr.write(
      `plan: ${outcome.exitCode === 2 ? "invalid configuration" : "the program failed"}\n${outcome.errors.map((e) => `  - ${e}`).join("\n")}\n`,
    );
    return outcome.exitCode;
  }
  if (o.json) {
    process.stdout.write(`${JSON.stringify(outcome.report, null, 2)}\n`);
  } else {
    // Loaded only for people: the JSON path stays lean for CI.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { renderReport } = require("./report") as typeof import("./report");
    process.stdout.write(renderReport(outcome.report, outcome.detail));
  }
  return outcome.exitCode;
}

/**
 * A backstop for the CLIs: if Node runs out of work before the plan is complete, it would exit with code 0 and nothing
 * printed, or 1 from Pulumi's leak check (which reads as a mandatory violation). A stalled program run is the
 * harness's to report (harness.ts `watchForStall`, with the run's own error); anything else exits 3 here.
 */
export function exitIfNeverFinished(isFinished: () => boolean): void {
  process.on("beforeExit", () => {
    if (isFinished() || runInProgress()) return;
    process.stderr.write("plan: stopped before the plan was complete, with nothing left to run (a fault in the plan runner)\n");
    process.exit(3);
  });
}

if (require.main === module) {
  let finished = false;
  exitIfNeverFinished(() => finished);
  main(process.argv).then(
    (code) => {
      finished = true;
      // Mocked Pulumi runtimes can leave handles open; the plan is complete once its output is flushed.
      process.stdout.write("", () => process.exit(code));
    },
    (e) => {
      process.stderr.write(`plan: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exit(3);
    },
  );
}
