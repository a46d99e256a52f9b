import { strict as assert } from "assert";
import { execFileSync, spawn } from "child_process";
import * as path from "path";

const REPO = path.resolve(__dirname, "..", "..");
const ONE_POLICY = path.join(__dirname, "..", "fixtures", "packs", "one-policy");

/** The pids of `pid`'s child processes, as ps lists them. */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" })
      .split("\n")
      .map((l) => Number(l.trim()))
      .filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when there is none
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pids: number[], withinMs: number): Promise<number[]> {
  const until = Date.now() + withinMs;
  while (Date.now() < until && pids.some(alive)) await new Promise((r) => setTimeout(r, 100));
  return pids.filter(alive);
}

/**
 * A harness that starts the pack (local/analyzer.ts startPolicyPack), prints the pack's pid once it has one, then
 * either waits (`serve`: the test kills it with SIGKILL, so no exit handler of its own runs) or exits with 2 at once,
 * before the pack has printed its port (`exit-early`, what a plan with a config error does).
 */
function harness(mode: "serve" | "exit-early") {
  const script = `
    const { execFileSync } = require("child_process");
    const { startPolicyPack } = require(${JSON.stringify(path.join(REPO, "local", "analyzer"))});
    const started = startPolicyPack(${JSON.stringify(ONE_POLICY)});
    const pids = execFileSync("ps", ["-o", "pid=,comm=", "--ppid", String(process.pid)], { encoding: "utf8" })
      .split("\\n").map((l) => l.trim().split(/\\s+/)).filter(([, comm]) => comm === "node").map(([pid]) => pid);
    console.log("pack " + pids.join(","));
    if (${JSON.stringify(mode)} === "exit-early") process.exit(2);
    started.then(() => { console.log("serving"); setInterval(() => undefined, 1000); });`;
  return spawn(process.execPath, ["-r", path.join(REPO, "local", "register.js"), "-e", script], { cwd: REPO, stdio: ["ignore", "pipe", "inherit"] });
}

function linesOf(child: ReturnType<typeof harness>, until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (b) => {
      out += b;
      if (until.test(out)) resolve(out);
    });
    child.on("exit", () => (until.test(out) ? resolve(out) : reject(new Error(`harness exited; printed: ${out}`))));
  });
}

const packPids = (out: string) => /pack ([\d,]+)/.exec(out)![1].split(",").map(Number);

describe("the pack's process never outlives the plan that started it (local/packParent.js)", () => {
  it("a plan killed by SIGKILL while the pack serves: the pack's process ends within seconds", async () => {
    const child = harness("serve");
    try {
      const out = await linesOf(child, /serving/);
      const pids = packPids(out);
      assert.ok(pids.length === 1 && pids.every(alive), `the pack runs: ${out}`);
      child.kill("SIGKILL");
      assert.deepStrictEqual(await gone(pids, 15_000), [], "no pack process is left serving");
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("a plan that exits before the pack printed its port (a config error, exit 2): the pack's process ends too", async () => {
    const child = harness("exit-early");
    const out = await linesOf(child, /pack [\d,]+\n/);
    assert.strictEqual(packPids(out).length, 1, out);
    if (child.exitCode === null) await new Promise((r) => child.on("exit", r));
    assert.strictEqual(child.exitCode, 2);
    assert.deepStrictEqual(await gone(packPids(out), 15_000), [], "no pack process is left serving");
    assert.deepStrictEqual(childrenOf(child.pid!), []);
  });
});
