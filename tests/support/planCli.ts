import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../../core/paths";

/** The plan CLI exactly as `npm run plan` starts it (package.json's script, with its own loader), minus npm, run from `cwd`. */
export function planCli(args: string[], cwd = REPO_ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  const script: string = JSON.parse(fs.readFileSync(path.join(cwd, "package.json"), "utf8")).scripts.plan;
  const [bin, ...planArgs] = script.trim().split(/\s+/);
  assert.equal(bin, "node", `scripts.plan should start with node: ${script}`);
  return new Promise((resolve) => {
    execFile(process.execPath, [...planArgs, ...args], { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
  });
}

/** A checkout of this repository in a temp folder (node_modules linked), for changing a file the program reads. */
export function checkoutCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-checkout-"));
  const skip = new Set(["node_modules", ".git", ".scratch", ".lakehouse", ".ci", "bin"]);
  fs.cpSync(REPO_ROOT, dir, { recursive: true, filter: (src) => !skip.has(path.relative(REPO_ROOT, src).split(path.sep)[0]) });
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}
