import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../core/paths";

/**
 * `npm run bench`: the plan's wall time against loading the two AWS providers bare (issue 5: the plan may take
 * at most twice as long). The plan runs exactly as `npm run plan` does, once with the transpile cache warm and
 * once with an empty one, so the cache cannot hide a slow first run. Prints numbers only; timing is never
 * asserted in tests.
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
  wallSeconds(planArgs); // fills the transpile cache for the warm runs
  const bare: number[] = [];
  const warm: number[] = [];
  const cold: number[] = [];
  // Interleaved, so a neighbour's load that comes and goes weighs on all three alike.
  for (let i = 0; i < RUNS; i++) {
    bare.push(wallSeconds(bareArgs));
    warm.push(wallSeconds(planArgs));
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cold-"));
    try {
      cold.push(wallSeconds(planArgs, { ...process.env, RETAIL_TS_CACHE: empty }));
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  }
  const b = median(bare);
  const w = median(warm);
  const c = median(cold);
  const rows = [
    [`bare require of @pulumi/aws + @pulumi/aws-native (median of ${RUNS})`, `${b.toFixed(2)} s`],
    [`plan --stack prod --json, transpile cache warm (median of ${RUNS})`, `${w.toFixed(2)} s`],
    [`plan --stack prod --json, empty transpile cache (median of ${RUNS})`, `${c.toFixed(2)} s`],
    ["ratio warm (target <= 2)", (w / b).toFixed(2)],
    ["ratio cold", (c / b).toFixed(2)],
    // The fastest run of each is the one least disturbed by neighbours; on a noisy machine a slow bare run alone
    // can make the median ratio look better than the plan is, so both ratios are printed.
    [
      `ratio warm of the fastest runs (${Math.min(...warm).toFixed(2)} s / ${Math.min(...bare).toFixed(2)} s)`,
      (Math.min(...warm) / Math.min(...bare)).toFixed(2),
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
