import * as assert from "assert";
import * as fs from "fs";
import { withoutLeakDebugStacks } from "../../local/harness";

/* eslint-disable @typescript-eslint/no-require-imports */
type Tracked = Promise<unknown> & { _debugStackTrace?: string };
const debuggable: {
  debuggablePromise: (p: Promise<unknown>, ctx: unknown) => Promise<unknown>;
  debugPromiseLeaks: boolean;
} = require("@pulumi/pulumi/runtime/debuggable");
const state: { getStore(): { leakCandidates: Set<Promise<unknown>> } } = require("@pulumi/pulumi/runtime/state");
/* eslint-enable @typescript-eslint/no-require-imports */

function pending(): { promise: Tracked; release: () => void } {
  let release!: () => void;
  const promise: Tracked = new Promise<void>((r) => (release = r));
  return { promise, release };
}

describe("harness: Pulumi's leak-debug stacks are not formatted during a run", () => {
  it("Pulumi's own debuggablePromise formats a stack onto every promise (what the harness saves)", async () => {
    const { promise, release } = pending();
    const wrapped = debuggable.debuggablePromise(promise, "unpatched");
    assert.match(promise._debugStackTrace ?? "", /\n\s+at /);
    release();
    await wrapped;
  });

  it("keeps leak tracking exactly Pulumi's, drops only the trace, restores the stack limit and then the original", async () => {
    const original = debuggable.debuggablePromise;
    const limit = Error.stackTraceLimit;
    const restore = withoutLeakDebugStacks();
    try {
      assert.notStrictEqual(debuggable.debuggablePromise, original);
      const { promise, release } = pending();
      const wrapped = debuggable.debuggablePromise(promise, "patched");
      assert.strictEqual(promise._debugStackTrace, "Error");
      assert.strictEqual(Error.stackTraceLimit, limit);
      assert.ok(state.getStore().leakCandidates.has(promise), "the promise is a leak candidate until it settles");
      release();
      await wrapped;
      assert.ok(!state.getStore().leakCandidates.has(promise), "a settled promise is no longer a leak candidate");
    } finally {
      restore();
    }
    assert.strictEqual(debuggable.debuggablePromise, original);
  });

  it("leaves Pulumi untouched when PULUMI_DEBUG_PROMISE_LEAKS asks for the traces", () => {
    const original = debuggable.debuggablePromise;
    const before = debuggable.debugPromiseLeaks;
    debuggable.debugPromiseLeaks = true;
    try {
      const restore = withoutLeakDebugStacks();
      assert.strictEqual(debuggable.debuggablePromise, original);
      restore();
    } finally {
      debuggable.debugPromiseLeaks = before;
    }
  });

  it("reaches Pulumi's callers: the runtime calls it through the module object, not a copied binding", () => {
    const source = fs.readFileSync(require.resolve("@pulumi/pulumi/runtime/resource"), "utf8");
    assert.match(source, /debuggable_1\.debuggablePromise\)?\(/);
    assert.doesNotMatch(source, /const \{[^}]*debuggablePromise[^}]*\} = require/);
  });
});
