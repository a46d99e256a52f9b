import * as assert from "assert";
import * as path from "path";
import { runProgram } from "../../../local/harness";

const FIXTURES = path.resolve(__dirname, "..", "..", "fixtures");
// A short grace: a stalled failed run below waits it out in full (mocha's timers keep Node busy).
const run = (fixture: string) => runProgram({ stack: "dev", config: {}, program: path.join(FIXTURES, fixture), failedRunGraceMs: 1_000 });

describe("harness: a run's work stays in that run", () => {
  it("a failed run waits for what it started: its late rejection does not fail the next run", async () => {
    await assert.rejects(run("late-rejection/index.ts"), /the program threw while loading/);
    // Still computing when the lookup of the failed run would reject, if that run had not waited for it.
    const next = await run("late-rejection/slow.ts");
    assert.strictEqual(next.outputs.ready, "ready");
  });

  it("a failed run whose work can never finish ends within its grace, and the runs queued behind it go on", async () => {
    const started = Date.now();
    await assert.rejects(run("late-rejection/stalls.ts"), /the program threw while loading/);
    assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);
    const next = await run("late-rejection/slow.ts");
    assert.strictEqual(next.outputs.ready, "ready");
  });

  it("a rejection nobody handles fails the run at once, even while an output can never resolve", async () => {
    const started = Date.now();
    await assert.rejects(run("late-rejection/rejectsAndStalls.ts"), /the program left a rejected promise unhandled: the stream name service is down/);
    assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);
  });
});
