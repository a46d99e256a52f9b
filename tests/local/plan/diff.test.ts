import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../../../core/paths";
import { changedProperties, diffPlans, protectedChanges, readEarlierPlan } from "../../../local/diff";
import { plan, PlannedResource, PlanReport } from "../../../local/plan";
import { checkoutCopy, planCli } from "../../support/planCli";

const urn = (type: string, name: string) => `urn:pulumi:prod::retail-analytics::${type}::${name}`;
const TABLE = "aws-native:s3tables:Table";
const ICEBERG = ["icebergMetadata", "openTableFormat", "storageClassConfiguration", "tableBucketArn", "withoutMetadata"];

function res(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<PlannedResource> = {}): PlannedResource {
  return { type, name, urn: urn(type, name), inputs, ...extra };
}

const schema = (...cols: string[]) => ({ icebergSchema: { schemaFieldList: cols.map((c) => ({ name: c, type: "string" })) } });
const table = (cols: string[], extra: Partial<PlannedResource> = {}) =>
  res(TABLE, "orders", { tableName: "order_events", icebergMetadata: schema(...cols), tags: { a: "1" } }, { replaceOnChanges: ICEBERG, ...extra });

function writeJson(v: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-diff-")), "earlier.json");
  fs.writeFileSync(file, JSON.stringify(v));
  return file;
}

describe("plan --against: the offline diff", () => {
  it("classifies create, update, replace and delete by URN, with the changed properties", () => {
    const before = [
      table(["id"]),
      res("aws:athena/workgroup:Workgroup", "wg", { name: "wg", description: "a" }),
      res("aws:sqs/queue:Queue", "old", {}),
    ];
    const after = [
      table(["id", "store_id"]),
      res("aws:athena/workgroup:Workgroup", "wg", { name: "wg", description: "b" }),
      res("aws:sns/topic:Topic", "new", {}),
    ];
    const d = diffPlans(before, after, "earlier.json");
    assert.deepEqual(d.create, [urn("aws:sns/topic:Topic", "new")]);
    assert.deepEqual(d.delete, [urn("aws:sqs/queue:Queue", "old")]);
    assert.deepEqual(d.update, [
      { urn: urn("aws:athena/workgroup:Workgroup", "wg"), type: "aws:athena/workgroup:Workgroup", properties: ["description"] },
    ]);
    assert.deepEqual(d.replace, [{ urn: urn(TABLE, "orders"), type: TABLE, properties: ["icebergMetadata"] }]);
  });

  it("reads key order as no change, and leaves out what the resource ignores", () => {
    assert.deepEqual(changedProperties({ a: { x: 1, y: 2 } }, { a: { y: 2, x: 1 } }), []);
    assert.deepEqual(changedProperties({ a: 1, b: 1 }, { a: 2, b: 2 }, ["b"]), ["a"]);
    assert.deepEqual(changedProperties({ a: { x: 1 } }, { a: { x: 2 } }, ["a.x"]), []);
    assert.deepEqual(changedProperties({ a: 1 }, { a: 2 }, ["*"]), []);
    assert.deepEqual(changedProperties({ a: 1 }, {}), ["a"], "a removed input is a change");
    // A table that ignores later schema changes is updated (its migration does the work), not replaced.
    const d = diffPlans([table(["id"])], [table(["id", "store_id"], { ignoreChanges: ["icebergMetadata"] })], "e");
    assert.deepEqual([d.update.length, d.replace.length], [0, 0]);
  });

  it("replaces a classic resource whose physical name changes, updates it otherwise", () => {
    const role = (name: string, desc: string) => res("aws:iam/role:Role", "r", { name, description: desc });
    assert.equal(diffPlans([role("a", "x")], [role("b", "x")], "e").replace.length, 1);
    assert.equal(diffPlans([role("a", "x")], [role("a", "y")], "e").update.length, 1);
    const bucket = (b: string) => res("aws:s3/bucket:Bucket", "b", { bucket: b });
    assert.equal(diffPlans([bucket("one")], [bucket("two")], "e").replace.length, 1);
    const key = (spec: string) => res("aws:kms/key:Key", "k", { keySpec: spec, description: "d" });
    assert.equal(diffPlans([key("SYMMETRIC_DEFAULT")], [key("RSA_2048")], "e").replace.length, 1, "a KMS key's spec is create-only");
    const grant = (p: string[]) => res("aws:lakeformation/permissions:Permissions", "g", { permissions: p });
    assert.equal(diffPlans([grant(["SELECT"])], [grant(["SELECT", "DESCRIBE"])], "e").replace.length, 1, "a grant has no update");
    // A component has no physical name: its inputs changing is an update.
    const comp = (n: string) => res("retail:analytics:GoldLayer", "g", { name: n });
    assert.equal(diffPlans([comp("a")], [comp("b")], "e").update.length, 1);
  });

  it("files a mandatory finding for replacing or deleting a protected resource, none for an unprotected one", () => {
    const before = [
      table(["id"], { protect: true }),
      res("aws:kinesis/stream:Stream", "s", { name: "s" }, { protect: true }),
      res("aws:sqs/queue:Queue", "q", {}),
    ];
    const after = [table(["id", "store_id"], { protect: true })];
    const d = diffPlans(before, after, "e");
    const f = protectedChanges(d, before, after);
    assert.deepEqual(
      f.map((x) => [x.policy, x.enforcementLevel, x.urn]),
      [
        ["protected-resource-survives", "mandatory", urn(TABLE, "orders")],
        ["protected-resource-survives", "mandatory", urn("aws:kinesis/stream:Stream", "s")],
      ],
    );
    assert.match(f[0].message, /replaces the protected resource \(changed: icebergMetadata\)/);
    assert.match(f[1].message, /deletes the protected resource/);
    assert.deepEqual(protectedChanges(diffPlans([table(["id"])], [table(["id", "x"])], "e"), [table(["id"])], [table(["id", "x"])]), []);
  });

  it("refuses a file that is missing, not JSON, or not a plan, naming --against and the fix", () => {
    const missing = readEarlierPlan("/nonexistent/plan.json", "/");
    assert.ok("error" in missing && /--against = "nonexistent\/plan.json": ENOENT/.test(missing.error), JSON.stringify(missing));
    for (const [text, why] of [
      ["{not json", /Unexpected token|JSON/],
      ['{"stack":"prod"}', /no resources array/],
      ['{"resources":[{"urn":"u","type":"t","inputs":{}},{"urn":"u2"}]}', /resources\[1\] has no urn, type and inputs object/],
    ] as const) {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-diff-")), "bad.json");
      fs.writeFileSync(file, text);
      const r = readEarlierPlan(file, "/");
      assert.ok("error" in r, text);
      assert.match(r.error, why);
      assert.match(r.error, /Fix: give a file written by `npm run --silent plan -- --stack <s> --json`/);
    }
  });

  it("exits 2 from the CLI on an unreadable --against file, before planning", async () => {
    const r = await planCli(["--stack", "dev", "--against", "no-such-plan.json"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /invalid configuration\n {2}- --against = "no-such-plan.json": ENOENT/);
  });
});

describe("plan --against the landed plans (plans/<stack>.json)", () => {
  const landed = (stack: string) => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "plans", `${stack}.json`), "utf8")) as PlanReport;

  for (const stack of ["dev", "prod"]) {
    it(`${stack}: the current program replaces and deletes no protected resource of the landed plan`, async () => {
      const o = await plan({ stack, against: `plans/${stack}.json`, cwd: REPO_ROOT });
      assert.ok("report" in o, JSON.stringify(o));
      const found = o.report.policies.violations.filter((v) => v.policy === "protected-resource-survives");
      assert.deepEqual(found, [], "refresh plans/ with npm run plan:land after a reviewed change");
      assert.equal(o.exitCode, 0);
      assert.equal(o.report.diff?.against, `plans/${stack}.json`);
      // The same in every checkout: a file asset counts by its content, not its absolute path.
      assert.ok(!JSON.stringify(o.report).includes(REPO_ROOT), "the plan JSON names this checkout's path");
    });
  }

  it("prod: switching to store-only without a new goldChannelModeSince fails the plan (exit 1) naming the key", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-mode-")), "Pulumi.prod.yaml");
    fs.writeFileSync(
      file,
      fs
        .readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8")
        .replace("retail:goldChannelMode: omnichannel", "retail:goldChannelMode: store-only"),
    );
    const o = await plan({ stack: "prod", config: file, against: "plans/prod.json", cwd: REPO_ROOT });
    assert.equal(o.exitCode, 1);
    assert.ok("report" in o);
    const found = o.report.policies.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policy);
    assert.deepEqual(found, ["rollback-switch-recorded"]);
  });

  it("prod: a protected table in the landed plan that the program no longer has fails the plan (exit 1)", async () => {
    const earlier = landed("prod");
    const orders = earlier.resources.find((r) => r.type === TABLE && r.name.endsWith("retail_silver-order_events"))!;
    assert.equal(orders.protect, true, "prod tables are protected");
    const gone = { ...orders, name: "retired_table", urn: orders.urn.replace(/::[^:]+$/, "::retired_table") };
    const o = await plan({ stack: "prod", against: writeJson({ ...earlier, resources: [...earlier.resources, gone] }), cwd: REPO_ROOT });
    assert.equal(o.exitCode, 1);
    assert.ok("report" in o);
    assert.deepEqual(o.report.diff?.delete, [gone.urn]);
    assert.deepEqual(
      o.report.policies.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => [v.policy, v.urn]),
      [["protected-resource-survives", gone.urn]],
    );
  });
});

describe("plan --against: a schema change in a copy of the repository (child processes)", () => {
  const ORDERS = path.join("sql", "silver", "order_events.sql");
  const orders = (repo: string) => fs.readFileSync(path.join(repo, ORDERS), "utf8");

  it("a new nullable column is an update of the table's migration, with its ADD COLUMNS step, and no replacement (exit 0)", async () => {
    const repo = checkoutCopy();
    fs.writeFileSync(path.join(repo, ORDERS), orders(repo).replace(/revenue decimal\(12,2\)\n\)/, "revenue decimal(12,2),\n  store_id string\n)"));
    const r = await planCli(["--stack", "prod", "--against", "plans/prod.json", "--json"], repo);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as PlanReport;
    assert.deepEqual(report.diff?.replace, []);
    assert.deepEqual(report.diff?.delete, []);
    // Nothing else changes, in a checkout at another path: a file asset (the Glue scripts) counts by its content. The
    // views reading order_events re-run their CREATE OR REPLACE after the migration (their sourceVersions moves).
    const readers = ["campaign_roas", "cart_abandonment", "conversion_rate", "loyalty_redemption_rate", "sku_velocity"];
    assert.deepEqual(report.diff?.update.map((u) => u.urn.replace(/.*::/, "")).sort(), [
      ...readers.map((v) => `retail-prod-gold-view-${v}`),
      "retail-prod-retail_silver-order_events-schema",
    ]);
    for (const v of readers) {
      const properties: unknown = report.diff?.update.find((u) => u.urn.endsWith(`::retail-prod-gold-view-${v}`))?.properties;
      assert.deepEqual(properties, ["sourceVersions"], v);
    }
    const migration = report.diff?.update.find((u) => u.urn.endsWith("::retail-prod-retail_silver-order_events-schema"));
    assert.deepEqual(migration?.properties, ["steps", "version"]);
    const planned = report.resources.find((x) => x.urn === migration!.urn)!;
    assert.deepEqual((planned.inputs as { steps: unknown[] }).steps, [{ version: 2, add: [{ name: "store_id", sqlType: "string" }], widen: [] }]);
    assert.ok(
      !report.diff?.update.some((u) => u.urn.endsWith("::retail-prod-retail_silver-order_events")),
      "the table itself ignores the metadata change",
    );
    // No merge names the new column yet: the plan says it will be NULL in every new row (advisory, so still exit 0).
    const unwritten = report.policies.violations.filter((v) => v.policy === "schema-column-unwritten");
    assert.deepEqual(
      unwritten.map((v) => [v.enforcementLevel, v.message.slice(0, v.message.indexOf(" ("))]),
      [["advisory", "retail_silver.order_events.store_id"]],
    );
    assert.match(unwritten[0].message, /sql\/silver\/order_events\.sql.*INSERT column list/);
  });

  it("a dropped column exits 2 naming the file, the column and the procedure", async () => {
    const repo = checkoutCopy();
    fs.writeFileSync(path.join(repo, ORDERS), orders(repo).replace(/\n {2}sku string,/, ""));
    const r = await planCli(["--stack", "prod", "--against", "plans/prod.json"], repo);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /sql\/silver\/order_events\.sql \(retail_silver\.order_events\): column sku was dropped or renamed/);
    assert.match(r.stderr, /create a new table/);
  });
});
