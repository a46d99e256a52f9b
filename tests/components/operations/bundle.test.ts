import * as assert from "assert";
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bundleHandlers, FUNCTIONS, FunctionName } from "../../../components/operations/bundle";
import { SETTINGS_FILE } from "../../../functions/entries/settings";
import { REPO_ROOT } from "../../../core/paths";
import { DEFAULT_WINDOW_HOURS } from "../../../functions/maintenance";
import { MERGE_SETTINGS } from "../../support/mergeSettings";
import { EMAIL_SALT_REF } from "../../../core/emailSalt";

const ENVIRONMENT = {
  ATHENA_WORKGROUP: "retail-prod-ops",
  ATHENA_CATALOG: "s3tablescatalog/retail-prod-tables",
  QUERY_DEADLINE_MS: "60000",
  ALARM_TOPIC_ARN: "arn:aws:sns:eu-west-1:123456789012:retail-prod-alarms",
  TABLE_BUCKET_ARN: "arn:aws:s3tables:eu-west-1:123456789012:bucket/retail-prod-tables",
  SPICE_DATASET_IDS: '["retail-prod-gold-conversion-rate"]',
  QUICKSIGHT_ACCOUNT_ID: "123456789012",
};
const SETTINGS: Record<FunctionName, unknown> = {
  merge: MERGE_SETTINGS,
  reconcile: { tables: { cart_events: "SELECT 10 AS source_rows, 10 AS silver_rows" }, tolerance: 0.001 },
  freshness: { tables: {}, kpis: {}, intervalMinutes: 5 },
  maintenance: { tables: ["retail_silver.cart_events"], windowHours: DEFAULT_WINDOW_HOURS },
  erase: { statements: ["DELETE FROM retail_silver.cart_events WHERE loyalty_id = '{{loyalty_id}}'"] },
};
const EVENTS: Record<FunctionName, unknown> = {
  merge: { product: "cart_events", scheduledTime: "2026-07-01T10:00:00Z" },
  reconcile: { day: "2026-06-30" },
  freshness: {},
  maintenance: {},
  erase: { loyaltyId: "L000123" },
};

const sha = (text: string) => crypto.createHash("sha256").update(text).digest("hex");

/** Write a function's bundle and settings as its archive lays them out, then invoke it in a fresh Node process. */
function invoke(
  dir: string,
  fn: FunctionName,
  code: string,
): { report: Record<string, unknown>; queries: string[]; published: number; secretReads: number; ingestions: string[] } {
  const folder = path.join(dir, fn);
  fs.mkdirSync(folder);
  fs.writeFileSync(path.join(folder, "index.js"), code);
  fs.writeFileSync(path.join(folder, SETTINGS_FILE), JSON.stringify(SETTINGS[fn]));
  const out = execFileSync(process.execPath, [path.join(__dirname, "..", "..", "support", "invokeBundle.js"), folder, JSON.stringify(EVENTS[fn])], {
    cwd: dir,
    // Only the externals (@aws-sdk/*) and the mock come from the repository's node_modules, as the runtime provides the SDK.
    env: { PATH: process.env.PATH, NODE_PATH: path.join(REPO_ROOT, "node_modules"), NODE_NO_WARNINGS: "1", ...ENVIRONMENT },
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").pop()!);
}

describe("operations bundles (components/operations/bundle.ts)", function () {
  this.timeout(60_000);
  let bundles: Record<FunctionName, string>;
  let dir: string;
  before(async () => {
    bundles = await bundleHandlers();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ops-bundles-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("is byte-identical when built again from the same sources", async () => {
    const again = await bundleHandlers();
    for (const fn of FUNCTIONS) assert.strictEqual(sha(again[fn]), sha(bundles[fn]), fn);
  });

  it("carries no absolute path, no secret and no AWS SDK: @aws-sdk/* stays a require for the runtime's copy", () => {
    for (const fn of FUNCTIONS) {
      const code = bundles[fn];
      assert.ok(!code.includes(REPO_ROOT), `${fn} names the build machine's path`);
      assert.ok(!code.includes(os.homedir()) || os.homedir() === "/", `${fn} names a home folder`);
      assert.ok(!/secretsmanager:eu-west-1|s3cr3t/.test(code), `${fn} carries a secret`);
      assert.ok(!code.includes("node_modules/@aws-sdk"), `${fn} bundles the SDK`);
      assert.match(code, /require\("@aws-sdk\/client-/);
    }
  });

  it("merge: sends its statements as written, the salt read by the SQL from its table, and asks Secrets Manager for nothing", () => {
    const { report, queries, secretReads } = invoke(dir, "merge", bundles.merge);
    assert.deepStrictEqual(Object.keys(report.rowsByTable as object).sort(), ["retail_silver.cart_events", "retail_silver.identity_bridge"]);
    assert.ok(queries.length > 0 && queries.every((q) => q.includes(`(SELECT salt FROM ${EMAIL_SALT_REF})`)), queries.join("\n"));
    assert.strictEqual(secretReads, 0);
  });

  it("reconcile: counts each table from its settings file and reports it in balance", () => {
    const { report, queries } = invoke(dir, "reconcile", bundles.reconcile);
    assert.deepStrictEqual(queries, ["SELECT 10 AS source_rows, 10 AS silver_rows"]);
    assert.strictEqual((report.tables as { status: string }[])[0].status, "ok");
  });

  it("freshness, maintenance and erase: run their handler from the bundle alone", () => {
    const freshness = invoke(dir, "freshness", bundles.freshness);
    assert.deepStrictEqual(freshness.queries, []);
    const maintenance = invoke(dir, "maintenance", bundles.maintenance);
    assert.ok(Array.isArray(maintenance.report.problems), JSON.stringify(maintenance.report));
    const erase = invoke(dir, "erase", bundles.erase);
    assert.deepStrictEqual(erase.queries, ["DELETE FROM retail_silver.cart_events WHERE loyalty_id = 'L000123'"]);
    assert.deepStrictEqual(Object.keys(erase.report.rowsByTable as object), ["retail_silver.cart_events"], "the id is not in the report");
    assert.deepStrictEqual(erase.report.reingested, ["retail-prod-gold-conversion-rate"]);
    assert.deepStrictEqual(erase.ingestions, ["123456789012/retail-prod-gold-conversion-rate"]);
  });
});
