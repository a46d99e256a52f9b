import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../core/paths";
import { exitIfNeverFinished, main as planMain } from "./plan";

/**
 * `npm start`, the README's offline main job: the dev plan for people, then a short run of the local
 * lakehouse when it is present. Exits non-zero when the plan has a mandatory violation (or cannot run).
 */

const LAKEHOUSE_CLI = path.join(REPO_ROOT, "local", "lakehouse", "cli.ts");

async function start(): Promise<number> {
  const planCode = await planMain([process.argv[0], "plan", "--stack", "dev"]);
  if (planCode === 2 || planCode === 3) return planCode;
  if (!fs.existsSync(LAKEHOUSE_CLI)) {
    process.stdout.write("\n(local lakehouse not present yet: skipped)\n");
    return planCode;
  }
  process.stdout.write("\nLocal lakehouse (200,000 synthetic events, seed 7)\n");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const lake = spawnSync(npm, ["run", "--silent", "lakehouse", "--", "--events", "200000", "--seed", "7"], { cwd: REPO_ROOT, stdio: "inherit" });
  return planCode !== 0 ? planCode : (lake.status ?? 1);
}

let finished = false;
exitIfNeverFinished(() => finished);
start().then(
  (code) => {
    finished = true;
    process.stdout.write("", () => process.exit(code));
  },
  (e) => {
    process.stderr.write(`start: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(3);
  },
);
