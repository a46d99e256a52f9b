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
  AWS_ACCOUNT_ID: "123456789012",
  MERGE_FUNCTION_NAME: "retail-prod-ops-merge",
  CANARY_STREAMS: JSON.stringify({ cart_events: "retail-prod-cart-events", pos_transactions: "retail-prod-pos-transactions" }),
};
const SETTINGS: Record<FunctionName, unknown> = {
  merge: MERGE_SETTINGS,
  reconcile: { tables: { cart_events: "SELECT 10 AS source_rows, 10 AS silver_rows" }, tolerance: 0.001 },
  freshness: { tables: {}, kpis: {}, intervalMinutes: 5 },
  maintenance: { tables: ["retail_silver.cart_events"], windowHours: DEFAULT_WINDOW_HOURS },
  erase: { statements: ["DELETE FROM retail_silver.cart_events WHERE loyalty_id = '{{loyalty_id}}'"] },
  backfill: {
    products: ["cart_events", "pos_transactions"],
    rawEmailRetentionDays: 30,
    timeoutSeconds: 900,
    mergeTimeoutSeconds: 120,
    coverage: { sql: "SELECT 'cart_events' AS product, 10 AS purchases, 10 AS resolved WHERE TIMESTAMP '{{since}}' IS NOT NULL", min: 0.95 },
    accountingSql: "SELECT 'cart_events' AS product, 5 AS bronze_rows, 5 AS silver_rows, 0 AS quarantined_rows, 0 AS duplicate_rows -- {{day}}",
    checkQuerySeconds: 240,
  },
  canary: {},
};
/** Yesterday 00:00 and 01:00 UTC: a backfill range the clock of the bundle's run accepts. */
const YESTERDAY = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000);
const BACKFILL_RANGE = { from: YESTERDAY.toISOString(), to: new Date(YESTERDAY.getTime() + 3_600_000).toISOString() };
const EVENTS: Record<FunctionName, unknown> = {
  merge: { product: "cart_events", scheduledTime: "2026-07-01T10:00:00Z" },
  reconcile: { day: "2026-06-30" },
  freshness: {},
  maintenance: {},
  erase: { loyaltyId: "L000123" },
  backfill: { products: ["cart_events", "pos_transactions"], ...BACKFILL_RANGE, windowHours: 1 },
  canary: {},
};

const sha = (text: string) => crypto.createHash("sha256").update(text).digest("hex");

/** Write a function's bundle and settings as its archive lays them out, then invoke it in a fresh Node process. */
function invoke(
  dir: string,
  fn: FunctionName,
  code: string,
  variant?: { folder: string; settings: unknown; answer: Record<string, string>; event?: unknown },
): {
  report: Record<string, unknown>;
  queries: string[];
  published: number;
  secretReads: number;
  ingestions: string[];
  records: { stream: string; data: Record<string, unknown> }[];
  listed: { AwsAccountId: string; DataSetId: string }[];
  invoked: { FunctionName: string; InvocationType: string; event: Record<string, unknown> }[];
} {
  const folder = path.join(dir, variant?.folder ?? fn);
  fs.mkdirSync(folder);
  fs.writeFileSync(path.join(folder, "index.js"), code);
  fs.writeFileSync(path.join(folder, SETTINGS_FILE), JSON.stringify(variant ? variant.settings : SETTINGS[fn]));
  const out = execFileSync(
    process.execPath,
    [
      path.join(__dirname, "..", "..", "support", "invokeBundle.js"),
      folder,
      JSON.stringify(variant?.event ?? EVENTS[fn]),
      ...(variant ? [JSON.stringify(variant.answer)] : []),
    ],
    {
      cwd: dir,
      // Only the externals (@aws-sdk/*) and the mock come from the repository's node_modules, as the runtime provides the SDK.
      env: {
        PATH: process.env.PATH,
        NODE_PATH: path.join(REPO_ROOT, "node_modules"),
        NODE_NO_WARNINGS: "1",
        AWS_LAMBDA_FUNCTION_NAME: `retail-prod-ops-${fn}`,
        ...ENVIRONMENT,
      },
      encoding: "utf8",
    },
  );
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

  it("freshness with the canary on: follows the rounds and lists the SPICE data set's ingestions from the bundle alone", () => {
    const settings = {
      tables: {},
      kpis: {},
      intervalMinutes: 5,
      canary: {
        sql: "SELECT product, event_id, sent_at, silver_at FROM retail_silver.canary_arrivals WHERE sent_at >= TIMESTAMP '{{since}}'",
        intervalMinutes: 15,
        kpis: { cart_abandonment: { budgetMinutes: 22, products: ["cart_events"], dataSetId: "retail-prod-gold-cart-abandonment" } },
      },
    };
    const now = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000).toISOString().replace("T", " ").slice(0, 19);
    const { report, listed } = invoke(dir, "freshness", bundles.freshness, {
      folder: "freshness-canary",
      settings,
      answer: { product: "cart_events", event_id: "canary-cart_events-1", sent_at: now, silver_at: now },
    });
    assert.deepStrictEqual(
      listed.map((l) => [l.AwsAccountId, l.DataSetId]),
      [["123456789012", "retail-prod-gold-cart-abandonment"]],
    );
    assert.strictEqual((report.measured as { kpi: string }[])[0].kpi, "cart_abandonment");
  });

  it("backfill: invokes the merge function for each product's window, then itself for the checks, which it runs from the bundle alone", () => {
    const run = invoke(dir, "backfill", bundles.backfill);
    assert.deepStrictEqual(
      run.invoked.map((i) => [i.FunctionName, i.InvocationType, i.event.product ?? i.event.cursor]),
      [
        ["retail-prod-ops-merge", "RequestResponse", "cart_events"],
        ["retail-prod-ops-merge", "RequestResponse", "pos_transactions"],
        ["retail-prod-ops-backfill", "Event", BACKFILL_RANGE.to],
      ],
    );
    assert.deepStrictEqual(run.invoked[0].event, { product: "cart_events", scheduledTime: BACKFILL_RANGE.to, lookbackMinutes: 60 });
    assert.deepStrictEqual(run.queries, []);
    const checks = invoke(dir, "backfill", bundles.backfill, {
      folder: "backfill-checks",
      settings: SETTINGS.backfill,
      event: run.invoked[2].event,
      answer: {
        product: "cart_events",
        purchases: "10",
        resolved: "10",
        bronze_rows: "5",
        silver_rows: "5",
        quarantined_rows: "0",
        duplicate_rows: "0",
      },
    });
    assert.deepStrictEqual(checks.invoked, []);
    assert.strictEqual(checks.queries.length, 2, "coverage, then yesterday's accounting");
    assert.strictEqual(checks.report.switchBackReady, true, JSON.stringify(checks.report));
  });

  it("canary: puts one marked, valid record on each stream its environment names", () => {
    const { records, queries } = invoke(dir, "canary", bundles.canary);
    assert.deepStrictEqual(queries, []);
    assert.deepStrictEqual(
      records.map((r) => r.stream),
      ["retail-prod-cart-events", "retail-prod-pos-transactions"],
    );
    for (const r of records) assert.match(String(r.data.event_id), /^canary-(cart_events|pos_transactions)-\d+$/);
  });
});
