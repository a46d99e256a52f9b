import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../core/paths";

/**
 * `npm run bench`: the plan's wall time against loading the two AWS providers bare (target: at most 2.5 times as
 * long). The plan runs exactly as `npm run plan` does. Prints numbers only; timing is never asserted in tests.
 */

const RUNS = 7;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** `npm run plan`'s command without npm's own start-up: its script, with `node` being this node. */
function planCommand(): string[] {
  const script: string = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).scripts.plan;
  const [bin, ...args] = script.trim().split(/\s+/);
  if (bin !== "node") throw new Error(`scripts.plan no longer starts with node (${script}): update the bench to run it`);
  return args;
}

function wallSeconds(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "ignore", "pipe"] });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  // Exit 1 is a plan with violations, still a complete plan; anything else means the timing is meaningless.
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr.toString()}`);
  return seconds;
}

async function bench(): Promise<void> {
  const bareArgs = ["-e", "require('@pulumi/aws'); require('@pulumi/aws-native')"];
  const planArgs = [...planCommand(), "--stack", "prod", "--json"];
  const load = () => os.loadavg()[0].toFixed(2);
  const loadBefore = load();
  wallSeconds(planArgs); // the first run pays for the disk's page cache
  const bare: number[] = [];
  const plan: number[] = [];
  // Interleaved, so a neighbour's load that comes and goes weighs on both alike.
  for (let i = 0; i < RUNS; i++) {
    bare.push(wallSeconds(bareArgs));
    plan.push(wallSeconds(planArgs));
  }
  const b = median(bare);
  const p = median(plan);
  const rows = [
    [`bare require of @pulumi/aws + @pulumi/aws-native (median of ${RUNS})`, `${b.toFixed(2)} s`],
    [`plan --stack prod --json (median of ${RUNS})`, `${p.toFixed(2)} s`],
    ["ratio (target <= 2.5)", (p / b).toFixed(2)],
    // The fastest run of each is the one least disturbed by neighbours; on a noisy machine a slow bare run alone
    // can make the median ratio look better than the plan is, so both ratios are printed.
    [
      `ratio of the fastest runs (${Math.min(...plan).toFixed(2)} s / ${Math.min(...bare).toFixed(2)} s)`,
      (Math.min(...plan) / Math.min(...bare)).toFixed(2),
    ],
    [`load average before / after (${os.cpus().length} cores)`, `${loadBefore} / ${load()}`],
  ];
  for (const [what, value] of rows) process.stdout.write(`${what.padEnd(72)} ${value}\n`);
  if (Number(load()) >= os.cpus().length)
    process.stdout.write("the machine was busy: compare the ratio, not the seconds, and rerun when it is quiet\n");
  const lakehouseBench = path.join(REPO_ROOT, "local", "bench-lakehouse.ts");
  if (fs.existsSync(lakehouseBench)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(lakehouseBench) as { benchLakehouse?: () => Promise<unknown> | unknown };
    if (typeof mod.benchLakehouse === "function") await mod.benchLakehouse();
  }
}

bench().catch((e) => {
  process.stderr.write(`bench: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exitCode = 1;
});
