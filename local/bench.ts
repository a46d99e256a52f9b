import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/**
 * `npm run bench`: the plan's wall time against loading the two AWS providers bare (issue 5: the plan may take
 * at most twice as long). Prints numbers only; timing is never asserted in tests.
 */

const REPO_ROOT = path.resolve(__dirname, "..");
const RUNS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function wallSeconds(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"] });
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    // Exit 1 is a plan with violations, still a complete plan; anything else means the timing is meaningless.
    if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr.toString()}`);
  }
  return median(times);
}

async function bench(): Promise<void> {
  const bare = wallSeconds(["-e", "require('@pulumi/aws'); require('@pulumi/aws-native')"]);
  // The same command `npm run plan` runs, without npm's own start-up.
  const planned = wallSeconds([require.resolve("ts-node/dist/bin.js"), "--transpile-only", path.join("local", "plan.ts"), "--stack", "prod", "--json"]);
  const rows = [
    [`bare require of @pulumi/aws + @pulumi/aws-native (median of ${RUNS})`, `${bare.toFixed(2)} s`],
    [`plan --stack prod --json (median of ${RUNS})`, `${planned.toFixed(2)} s`],
    ["ratio (target <= 2)", (planned / bare).toFixed(2)],
  ];
  for (const [what, value] of rows) process.stdout.write(`${what.padEnd(64)} ${value}\n`);
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
