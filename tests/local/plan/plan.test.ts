import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../../../core/paths";
import { planCli } from "../../support/planCli";
import { plan, PlanOutcome } from "../../../local/plan";
import { stackUrn, violationsOf } from "../../../local/findings";

const VIOLATIONS = "tests/fixtures/violations/index.ts";
const COMPLIANT = "tests/fixtures/compliant/index.ts";
const UNHANDLED = "tests/fixtures/unhandled-rejection/index.ts";
const UNSERIALIZABLE = "tests/fixtures/unserializable-lambda/index.ts";
const NEVER_FINISHES = "tests/fixtures/never-finishes/index.ts";
const BEFORE_EXIT = "tests/fixtures/before-exit/index.ts";
const EXAMPLE = "examples/cart-producer/index.ts";

function report(o: PlanOutcome) {
  assert.ok("report" in o, `expected a plan, got ${"errors" in o ? o.errors.join("\n") : "?"}`);
  return o.report;
}

/** Pulumi.dev.yaml with one key misspelled, written fresh so it tracks the real file. */
function misspelledConfig(): string {
  const text = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8");
  assert.match(text, /retail:streamRetentionHours:/);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-")), "Pulumi.misspelled.yaml");
  fs.writeFileSync(file, text.replace("retail:streamRetentionHours:", "retail:streamRetentionHour:"));
  return file;
}

describe("plan: another team's program against the pack (--program)", () => {
  it("exits 1 naming the 12M-row SPICE dataset, the 2-shard 8,000 records/s stream and the month-partitioned table", async () => {
    const o = await plan({ stack: "dev", program: VIOLATIONS, cwd: REPO_ROOT });
    assert.equal(o.exitCode, 1);
    const mandatory = report(o).policies.violations.filter((v) => v.enforcementLevel === "mandatory");
    const by = (policy: string) => mandatory.find((v) => v.policy === policy);
    assert.match(by("spice-row-cap")!.urn, /::sku-drilldown$/);
    assert.match(by("spice-row-cap")!.message, /"sku-drilldown" .* 12,000,000 expected rows .* the cap is 10,000,000/);
    assert.match(by("kinesis-shards-for-peak")!.urn, /::clickstream$/);
    assert.match(by("kinesis-shards-for-peak")!.message, /"clickstream" has 2 shard\(s\) for a declared peak of 8000 records\/s .* it needs 8/);
    assert.match(by("iceberg-event-tables-partitioned-by-day")!.message, /"clicks.click_events" \(clicks\) is partitioned by month\(event_ts\)/);
    assert.equal(mandatory.length, 3, mandatory.map((v) => v.message).join("\n"));
  });

  it("exits 0 on a compliant program, holds it to no catalog, and prints the contract's shape", async () => {
    const o = await plan({ stack: "dev", program: COMPLIANT, cwd: REPO_ROOT });
    assert.equal(o.exitCode, 0);
    const r = report(o);
    assert.deepEqual(Object.keys(r), ["stack", "resources", "outputs", "policies", "freshness", "cost", "assumptions"]);
    assert.deepEqual(r.policies.violations, []);
    assert.deepEqual(r.freshness, {});
    assert.deepEqual(
      r.resources.map((x) => [x.type, x.name]),
      [
        ["aws:kinesis/stream:Stream", "footfall"],
        ["aws:quicksight/dataSet:DataSet", "store-traffic"],
      ],
    );
    assert.equal(r.outputs.dataset, "store_traffic");
    assert.ok(r.cost.items.some((i) => i.resource === "footfall" && i.unit === "shard-hour" && i.quantity === 730));
  });
});

describe("plan: this platform's program", () => {
  it("exits 2 on a misspelled config key, naming the key and the fix", async () => {
    const o = await plan({ stack: "dev", config: misspelledConfig() });
    assert.equal(o.exitCode, 2);
    assert.ok("errors" in o);
    assert.ok(
      o.errors.some((e) => e.includes("retail:streamRetentionHour is not a known key") && e.includes("Fix:")),
      o.errors.join("\n"),
    );
  });

  for (const stack of ["dev", "prod"]) {
    it(`plans ${stack} with zero mandatory violations, a placeholder salt it says it used, and never prints it`, async () => {
      const o = await plan({ stack });
      const r = report(o);
      const mandatory = r.policies.violations.filter((v) => v.enforcementLevel === "mandatory");
      assert.deepEqual(mandatory, []);
      assert.equal(o.exitCode, 0);
      assert.equal(r.outputs.contractVersion, "1");
      assert.ok(r.assumptions.some((a) => a.startsWith("retail:emailHashSalt is a secret")));
      assert.doesNotMatch(JSON.stringify(r), /offline-plan-placeholder/);
    });
  }
});

describe("plan: violations", () => {
  it("files a stack-wide finding under the stack's own URN, and sorts mandatory first", () => {
    const d = (policy: string, enforcementLevel: "mandatory" | "advisory", urn: string) => ({
      policy,
      enforcementLevel,
      urn,
      message: "m",
      description: "x",
    });
    const out = violationsOf([d("b-advisory", "advisory", "urn:r"), d("catalog", "mandatory", "")], stackUrn("retail-analytics", "prod"));
    assert.deepEqual(
      out.map((v) => [v.policy, v.urn]),
      [
        ["catalog", "urn:pulumi:prod::retail-analytics::pulumi:pulumi:Stack::retail-analytics-prod"],
        ["b-advisory", "urn:r"],
      ],
    );
  });
});

describe("plan: the CLI's exit codes (child processes)", () => {
  it("--json exits 1 on the violations fixture and prints one JSON object", async () => {
    const { code, stdout } = await planCli(["--stack", "dev", "--program", VIOLATIONS, "--json"]);
    assert.equal(code, 1);
    const r = JSON.parse(stdout);
    assert.equal(r.stack, "dev");
    assert.ok(r.policies.violations.some((v: { policy: string }) => v.policy === "spice-row-cap"));
  });

  it("judges a program that empties every policy list in its own module cache: the pack runs in another process", async () => {
    // Against the in-process pack this program exited 0 with no violation.
    const { code, stdout } = await planCli(["--stack", "dev", "--program", "tests/fixtures/tamper/index.ts", "--json"]);
    assert.equal(code, 1);
    const mandatory = JSON.parse(stdout)
      .policies.violations.filter((v: { enforcementLevel: string }) => v.enforcementLevel === "mandatory")
      .map((v: { policy: string; urn: string }) => `${v.policy} ${v.urn.split("::").pop()}`)
      .sort();
    assert.deepEqual(mandatory, ["iam-no-wildcard-action everything", "spice-row-cap sku-drilldown"]);
  });

  it("plans the consumer example from its dev stack, answering its reference to the platform's prod with our prod plan", async () => {
    // The first run meets an unanswered StackReference, and every output depending on it rejects: in a child
    // process those rejections used to end the plan (exit 1, nothing printed) before the retry could run.
    const { code, stdout, stderr } = await planCli(["--stack", "dev", "--program", EXAMPLE, "--json"]);
    assert.equal(code, 0, stderr);
    const r = JSON.parse(stdout);
    assert.deepEqual(r.policies.violations, []);
    assert.ok(
      r.assumptions.includes("StackReferences to <org>/retail-analytics/prod were answered with this platform's own prod plan"),
      r.assumptions,
    );
    const fn = r.resources.find((x: { type: string }) => x.type === "aws:lambda/function:Function");
    assert.match(fn.inputs.environment.variables.STREAM_NAME, /^retail-prod-/);
  });

  it("exits 3 when the program leaves a rejected promise unhandled, as `pulumi up` fails the update", async () => {
    const { code, stdout, stderr } = await planCli(["--stack", "dev", "--program", UNHANDLED, "--json"]);
    assert.equal(code, 3, stderr);
    assert.equal(stdout, "");
    assert.match(stderr, /the program failed: Error: the program left a rejected promise unhandled: the footfall feed is not configured/);
  });

  it("exits 3 with Pulumi's serialization error when a Lambda whose closure cannot be serialized is used by another resource", async () => {
    const { code, stdout, stderr } = await planCli(["--stack", "dev", "--program", UNSERIALIZABLE, "--json"]);
    assert.equal(code, 3, stderr);
    assert.equal(stdout, "");
    assert.match(stderr, /Error serializing 'async \(\) => read\(\)'/);
    assert.match(stderr, /function 'read':.* which could not be serialized because\s+arrow function captured 'this'/);
    assert.doesNotMatch(stderr, /promises were still active/);
  });

  it("exits 3 when the program waits on something nothing will ever provide, instead of the leak check's exit 1", async () => {
    const { code, stdout, stderr } = await planCli(["--stack", "dev", "--program", NEVER_FINISHES, "--json"]);
    assert.equal(code, 3, stderr);
    assert.equal(stdout, "");
    assert.match(stderr, /the program never finished: it waits on a value nothing will ever provide/);
    assert.doesNotMatch(stderr, /promises were still active/);
  });

  it("completes an output the program resolves from its own beforeExit listener, as Pulumi's language host does", async () => {
    const { code, stdout, stderr } = await planCli(["--stack", "dev", "--program", BEFORE_EXIT, "--json"]);
    assert.equal(code, 0, stderr);
    assert.equal(JSON.parse(stdout).outputs.late, "resolved on beforeExit");
    const second = await planCli(["--stack", "dev", "--program", BEFORE_EXIT.replace("index.ts", "secondEvent.ts"), "--json"]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(JSON.parse(second.stdout).outputs.late, "resolved on the second beforeExit");
  });

  it("the CLIs' backstop exits 3 when Node runs out of work outside a program run before the plan is complete", async () => {
    // What the plan's entry does, with work that never completes and no program running (a policy that never settles).
    const stalled = (finished: boolean) =>
      new Promise<{ code: number; stderr: string }>((resolve) =>
        execFile(
          process.execPath,
          ["-r", "./local/register.js", "-e", `require("./local/plan.ts").exitIfNeverFinished(() => ${finished}); new Promise(() => undefined);`],
          { cwd: REPO_ROOT },
          (err, _stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stderr }),
        ),
      );
    const unfinished = await stalled(false);
    assert.equal(unfinished.code, 3, unfinished.stderr);
    assert.match(unfinished.stderr, /plan: stopped before the plan was complete, with nothing left to run/);
    assert.equal((await stalled(true)).code, 0);
  });

  it("exits 2 on a misspelled namespace, which Pulumi alone would ignore", async () => {
    const text = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8");
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-")), "Pulumi.typo.yaml");
    fs.writeFileSync(file, text.replace("config:\n", "config:\n  retial:goldChannelMode: store-only\n"));
    const o = await plan({ stack: "dev", config: file });
    assert.ok("errors" in o && o.exitCode === 2, JSON.stringify(o).slice(0, 300));
    assert.ok(
      o.errors.some((e) => e.startsWith('retial:goldChannelMode: no part of this program reads the "retial" namespace')),
      o.errors.join("\n"),
    );
  });

  it("exits 2 on a stack file that is not a mapping, or whose config: is not one, saying so", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
    for (const [text, why] of [
      ["just a string\n", /the document is a string, not a mapping/],
      ["config:\n  - retail:environment\n", /its config: is not a mapping of keys to values/],
    ] as const) {
      const file = path.join(dir, "Pulumi.odd.yaml");
      fs.writeFileSync(file, text);
      const o = await plan({ stack: "dev", config: file });
      assert.ok("errors" in o && o.exitCode === 2, JSON.stringify(o).slice(0, 200));
      assert.match(o.errors[0], why);
      assert.match(o.errors[0], /Fix: give a Pulumi\.<stack>\.yaml with a top-level config: map\./);
    }
  });

  it("exits 2 on a misspelled key with the field, the value and the fix on stderr", async () => {
    const { code, stdout, stderr } = await planCli(["--stack", "dev", "--config", misspelledConfig()]);
    assert.equal(code, 2);
    assert.equal(stdout, "");
    assert.match(stderr, /retail:streamRetentionHour is not a known key\. Fix: /);
  });
});
