import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const FIXTURES = path.join(REPO_ROOT, "tests", "fixtures", "closures");

interface Observed {
  /** A real Lambda entry closure serialized with the harness's session, then with Pulumi's own. */
  readonly lambda: { harness: string; pulumi: string };
  readonly ok: { posted: string[]; text: string };
  readonly rejecting: { posted: string[]; error: string };
  readonly failing: { error: string };
}

/**
 * Everything in one fresh process: Pulumi's inspector session is per process, and once open it maps every script
 * parsed after it, so a mocha worker that had opened it could not tell the harness's session from Pulumi's.
 */
function observe(): Observed {
  const script = `
    const inspector = require("inspector");
    let posted = [];
    const post = inspector.Session.prototype.post;
    inspector.Session.prototype.post = function (method, ...rest) { posted.push(method); return post.call(this, method, ...rest); };
    const pulumi = require("@pulumi/pulumi");
    const { runProgram, withoutScriptMapping } = require("./local/harness.ts");
    const { mergeEntry } = require("./functions/lambda.ts");
    const settings = { products: {}, lookbackMinutes: 32 };
    const handler = (event) => mergeEntry(event, settings);
    const serialize = () => pulumi.runtime.serializeFunction(handler).then((s) => s.text);
    const run = (file) => runProgram({ stack: "dev", config: {}, program: ${JSON.stringify(FIXTURES)} + "/" + file });
    const methods = () => { const m = [...new Set(posted)]; posted = []; return m; };
    (async () => {
      const restore = withoutScriptMapping();
      const harness = await serialize();
      restore();
      methods();
      const ok = await run("index.ts");
      const okPosted = methods();
      const rejecting = await run("rejecting.ts").then(() => "no error", (e) => e.message);
      const rejectingPosted = methods();
      const failing = await run("failing.ts").then(() => "no error", (e) => e.message);
      const lambda = { harness, pulumi: await serialize() };
      console.log(JSON.stringify({ lambda, ok: { posted: okPosted, text: ok.outputs.text }, rejecting: { posted: rejectingPosted, error: rejecting }, failing: { error: failing } }));
    })();`;
  const r = spawnSync(process.execPath, ["-r", "./local/register.js", "-e", script], { cwd: REPO_ROOT, encoding: "utf8" });
  assert.strictEqual(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

describe("harness: the closure serializer's inspector session has no Debugger domain during a run", () => {
  let seen: Observed;
  before(() => {
    seen = observe();
  });

  it("serializes through the inspector's Runtime domain without enabling the Debugger (V8 hashing every script)", () => {
    assert.ok(seen.ok.posted.includes("Runtime.getProperties"), `the serializer queried scopes: ${seen.ok.posted.join(", ")}`);
    assert.ok(!seen.ok.posted.includes("Debugger.enable"), `posted: ${seen.ok.posted.join(", ")}`);
    assert.match(seen.ok.text, /hello from a closure/);
  });

  it("serializes byte-identically to Pulumi's own session (a real Lambda entry closure)", () => {
    assert.match(seen.lambda.pulumi, /require\("@aws-sdk\/client-athena/);
    assert.strictEqual(seen.lambda.harness, seen.lambda.pulumi);
  });

  it("fails a run with any other error once, with the harness's session (no second run with Pulumi's)", () => {
    assert.match(seen.rejecting.error, /^the program left a rejected promise unhandled: the feed is not configured/);
    assert.ok(seen.rejecting.posted.includes("Runtime.getProperties"), `posted: ${seen.rejecting.posted.join(", ")}`);
    assert.ok(!seen.rejecting.posted.includes("Debugger.enable"), `posted: ${seen.rejecting.posted.join(", ")}`);
  });

  it("reports a failed serialization as `pulumi up` does: Pulumi's session opened before the program, its functions named by file", () => {
    assert.match(seen.failing.error, /Error serializing '\(\) => read\(\)': failing\.ts\(\d+,\d+\)/);
    assert.match(seen.failing.error, /function 'read': late\.ts\(\d+,\d+\): which could not be serialized because/);
    assert.match(seen.failing.error, /arrow function captured 'this'/);
  });
});
