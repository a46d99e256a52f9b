import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { mergeEntry } from "../../functions/lambda";
import { withoutScriptMapping } from "../../local/harness";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const FIXTURES = path.join(REPO_ROOT, "tests", "fixtures", "closures");

/**
 * In a fresh process (Pulumi's inspector session is per process, and once open it maps every script parsed after
 * it): the inspector methods a successful run posts, what it serialized, and how a failed serialization reads.
 */
function freshProcessRuns(): { posted: string[]; text: string; error: string } {
  const script = `
    const inspector = require("inspector");
    const posted = [];
    const post = inspector.Session.prototype.post;
    inspector.Session.prototype.post = function (method, ...rest) { posted.push(method); return post.call(this, method, ...rest); };
    const { runProgram } = require("./local/harness.ts");
    const run = (file) => runProgram({ stack: "dev", config: {}, program: ${JSON.stringify(FIXTURES)} + "/" + file });
    (async () => {
      const ok = await run("index.ts");
      const seen = [...new Set(posted)];
      const error = await run("failing.ts").then(() => "no error", (e) => e.message);
      console.log(JSON.stringify({ posted: seen, text: ok.outputs.text, error }));
    })();`;
  const r = spawnSync(process.execPath, ["-r", "./local/register.js", "-e", script], { cwd: REPO_ROOT, encoding: "utf8" });
  assert.strictEqual(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

describe("harness: the closure serializer's inspector session has no Debugger domain during a run", () => {
  let runs: ReturnType<typeof freshProcessRuns>;
  before(() => {
    runs = freshProcessRuns();
  });

  it("serializes through the inspector's Runtime domain without enabling the Debugger (V8 hashing every script)", () => {
    assert.ok(runs.posted.includes("Runtime.getProperties"), `the serializer queried scopes: ${runs.posted.join(", ")}`);
    assert.ok(!runs.posted.includes("Debugger.enable"), `posted: ${runs.posted.join(", ")}`);
    assert.match(runs.text, /hello from a closure/);
  });

  it("reports a failed serialization as Pulumi's own session does: the function loaded after it opened is named by file", () => {
    assert.match(runs.error, /^Error serializing '\(\) => read\(\)'/);
    assert.match(runs.error, /arrow function captured 'this'/);
    // Pulumi maps only scripts parsed after its session opened: late.ts is named, failing.ts (loaded before) is not.
    assert.match(runs.error, /function 'read': late\.ts\(\d+,\d+\): which could not be serialized because/);
    assert.doesNotMatch(runs.error, /failing\.ts/);
  });

  it("serializes byte-identically to Pulumi's own session (a real Lambda entry closure)", async () => {
    const settings = { products: {}, lookbackMinutes: 32 };
    const handler = (event: Parameters<typeof mergeEntry>[0]) => mergeEntry(event, settings as unknown as Parameters<typeof mergeEntry>[1]);
    const serialize = () => pulumi.runtime.serializeFunction(handler).then((s) => s.text);
    const restore = withoutScriptMapping();
    let withHarnessSession: string;
    try {
      withHarnessSession = await serialize();
    } finally {
      restore();
    }
    const withPulumiSession = await serialize();
    assert.match(withPulumiSession, /require\("@aws-sdk\/client-athena/);
    assert.strictEqual(withHarnessSession, withPulumiSession);
  });
});
