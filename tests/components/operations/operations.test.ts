import * as assert from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import { byType, ProgramRun, RecordedResource, runProgram } from "../../../local/harness";
import { driftAlarmThreshold } from "../../../components/operations/alarms";
import { productSilverTable } from "../../../components/operations/plan";
import { targetOf } from "../../../functions/merge";
import { isMismatch } from "../../../functions/reconcile";
import { OperationsArgsError, planOperations, rateExpression } from "../../../components/operations";
import { tableAccess } from "../../../core/sql/access";
import { BATCH_CADENCE_MINUTES } from "../../../core/lanes";
import { MERGE_TIMEOUT_SECONDS } from "../../../core/limits";
import { parseReconciles, TAG } from "../../../core/tags";
import { SQL_DIR } from "../../../core/paths";
import { ARNS } from "../../support/arns";

type PolicyStatement = { Sid: string; Action: string[]; Resource: string[]; Condition?: Record<string, Record<string, string>> };

const PROGRAM = path.join(__dirname, "..", "..", "fixtures", "operations", "index.ts");
const GLUE_TABLE = "arn:aws:glue:us-east-1:123456789012:table/s3tablescatalog/retail-prod-tables";

describe("Operations component under mocks", function () {
  // One instantiation for the whole suite: the program bundles four handlers.
  this.timeout(60_000);
  let run: ProgramRun;
  const fn = (suffix: string) => byType(run, "aws:lambda/function:Function").find((r) => r.name === `retail-prod-ops-${suffix}`)!;
  const statements = (suffix: string): PolicyStatement[] =>
    JSON.parse(byType(run, "aws:iam/rolePolicy:RolePolicy").find((r) => r.name === `retail-prod-ops-${suffix}`)!.inputs.policy).Statement;
  const schedule = (suffix: string) => byType(run, "aws:scheduler/schedule:Schedule").find((r) => r.name === `retail-prod-ops-${suffix}`)!;
  const alarm = (suffix: string) => byType(run, "aws:cloudwatch/metricAlarm:MetricAlarm").find((r) => r.name === `retail-prod-ops-${suffix}`)!;
  const failureQueueArn = () => byType(run, "aws:sqs/queue:Queue")[0].state.arn;

  before(async () => {
    run = await runProgram({ stack: "prod", config: { "aws:region": "us-east-1" }, program: PROGRAM });
  });

  it("schedules a merge per streaming product from its freshness need, and the daily and 5-minute runs; batch merges have no schedule", () => {
    const cart = schedule("merge-cart-events").inputs;
    assert.strictEqual(cart.scheduleExpression, "rate(2 minutes)");
    assert.deepStrictEqual(JSON.parse(cart.target.input), { product: "cart_events", scheduledTime: "<aws.scheduler.scheduled-time>" });
    assert.strictEqual(schedule("merge-pos-transactions").inputs.scheduleExpression, "rate(5 minutes)");
    assert.strictEqual(schedule("reconcile").inputs.scheduleExpression, "cron(0 6 * * ? *)");
    assert.strictEqual(schedule("freshness").inputs.scheduleExpression, "rate(5 minutes)");
    assert.match(schedule("maintenance").inputs.scheduleExpression, /^cron\(\d+ \d+ \* \* \? \*\)$/);
    assert.deepStrictEqual(
      byType(run, "aws:scheduler/schedule:Schedule")
        .map((s) => s.name)
        .filter((n) => n.includes("merge"))
        .sort(),
      ["retail-prod-ops-merge-cart-events", "retail-prod-ops-merge-pos-transactions"],
      "a batch merge waits for its Glue job, not for a clock",
    );
    for (const s of byType(run, "aws:scheduler/schedule:Schedule")) {
      assert.strictEqual(s.inputs.scheduleExpressionTimezone, "UTC");
      assert.strictEqual(s.inputs.target.deadLetterConfig.arn, failureQueueArn(), `${s.name} dead-letters to the failure queue`);
    }
    assert.strictEqual(rateExpression(1), "rate(1 minute)");
  });

  it("merges a batch product when its Glue job run succeeds: rule, input with the event time, permission, dead letters", () => {
    const products = ["erp_inventory", "loyalty_tier", "loyalty_redemptions", "campaign_attribution"];
    const rules = byType(run, "aws:cloudwatch/eventRule:EventRule");
    assert.deepStrictEqual(rules.map((r) => r.name).sort(), products.map((p) => `retail-prod-ops-merge-${p.replace(/_/g, "-")}`).sort());
    const queue = byType(run, "aws:sqs/queue:Queue")[0];
    for (const product of products) {
      const key = `retail-prod-ops-merge-${product.replace(/_/g, "-")}`;
      const rule = rules.find((r) => r.name === key)!;
      assert.deepStrictEqual(JSON.parse(rule.inputs.eventPattern), {
        source: ["aws.glue"],
        "detail-type": ["Glue Job State Change"],
        detail: { jobName: [`retail-prod-${product.replace(/_/g, "-")}-job`], state: ["SUCCEEDED"] },
      });
      const target = byType(run, "aws:cloudwatch/eventTarget:EventTarget").find((t) => t.name === key)!.inputs;
      assert.strictEqual(target.rule, rule.state.name);
      assert.strictEqual(target.arn, fn("merge").state.arn);
      // The event's time is the window end, as a schedule's fire time is for streams: a redelivery merges the same window.
      assert.deepStrictEqual(target.inputTransformer.inputPaths, { time: "$.time" });
      assert.deepStrictEqual(JSON.parse(target.inputTransformer.inputTemplate), { product, scheduledTime: "<time>" });
      assert.strictEqual(target.deadLetterConfig.arn, queue.state.arn);
      const permission = byType(run, "aws:lambda/permission:Permission").find((p) => p.name === key)!.inputs;
      assert.deepStrictEqual(
        [permission.action, permission.function, permission.principal, permission.sourceArn],
        ["lambda:InvokeFunction", fn("merge").state.name, "events.amazonaws.com", rule.state.arn],
      );
    }
    // EventBridge dead-letters through the queue policy, only for these rules.
    const [queuePolicy] = byType(run, "aws:sqs/queuePolicy:QueuePolicy");
    const [statement] = JSON.parse(queuePolicy.inputs.policy).Statement;
    assert.deepStrictEqual(statement.Principal, { Service: "events.amazonaws.com" });
    assert.deepStrictEqual([...statement.Condition.ArnEquals["aws:SourceArn"]].sort(), rules.map((r) => r.state.arn).sort());
  });

  it("runs each handler one at a time, with an explicit role, a bounded timeout and an on-failure queue", () => {
    const functions = byType(run, "aws:lambda/function:Function");
    assert.strictEqual(functions.length, 7, "merge, reconcile, freshness, maintenance, erase, backfill and the canary");
    const roles = new Set(byType(run, "aws:iam/role:Role").map((r) => r.state.arn));
    for (const f of functions) {
      assert.ok(roles.has(f.inputs.role), `${f.name} uses its own role`);
      assert.strictEqual(f.inputs.reservedConcurrentExecutions, 1, f.name);
    }
    assert.strictEqual(new Set(functions.map((f) => f.inputs.role)).size, 7, "one role per function");
    assert.deepStrictEqual(byType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment"), [], "no managed policies");
    assert.strictEqual(fn("merge").inputs.timeout, MERGE_TIMEOUT_SECONDS);
    assert.ok(Number(fn("merge").inputs.environment.variables.QUERY_DEADLINE_MS) < MERGE_TIMEOUT_SECONDS * 1000);
    const queue = byType(run, "aws:sqs/queue:Queue")[0];
    assert.strictEqual(queue.inputs.kmsMasterKeyId, ARNS.key);
    const invokeConfigs = byType(run, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig");
    assert.strictEqual(invokeConfigs.length, 7);
    for (const c of invokeConfigs) assert.strictEqual(c.inputs.destinationConfig.onFailure.destination, queue.state.arn);
    // A merge that waited 15 minutes for its turn means merges are not keeping up: it lands in the queue, whose alarm says so.
    assert.strictEqual(
      invokeConfigs.find((c) => c.name === "retail-prod-ops-merge")!.inputs.maximumEventAgeInSeconds,
      3600,
      "an hour: throttle retries back off to 5 min",
    );
    for (const lg of byType(run, "aws:cloudwatch/logGroup:LogGroup")) assert.strictEqual(lg.inputs.retentionInDays, 90);
    // Every silver table with a reconcile file: batch products land in bronze too, so none is skipped.
    assert.deepStrictEqual(
      parseReconciles(fn("reconcile").inputs.tags[TAG.reconciles]),
      ["campaign_attribution", "cart_events", "erp_inventory", "loyalty_redemptions", "loyalty_tier", "order_events"].map(
        (t) => `retail_silver.${t}`,
      ),
    );
    // No function holds the salt or a way to it: the merge SQL reads it from its table.
    for (const f of ["merge", "reconcile", "freshness", "maintenance"])
      assert.ok(!JSON.stringify(fn(f).inputs.environment.variables).toLowerCase().includes("salt"), f);
  });

  it("scopes every role statement to exact ARNs, with no wildcard action", () => {
    for (const role of ["merge", "reconcile", "freshness", "maintenance", "canary", "scheduler"]) {
      for (const s of statements(role)) {
        for (const a of s.Action) assert.ok(!a.includes("*"), `${role}/${s.Sid}: action ${a}`);
        if (s.Resource.includes("*")) {
          // None of these actions supports resource-level permissions; the namespace condition pins the metrics one.
          assert.ok(["Metrics", "LakeFormationCredentials", "SpiceIngestions"].includes(s.Sid), `${role}/${s.Sid} has Resource "*"`);
        }
      }
    }
    const merge = Object.fromEntries(statements("merge").map((s) => [s.Sid, s]));
    assert.deepStrictEqual(merge.EmailSaltCatalog.Resource, [
      "arn:aws:glue:us-east-1:123456789012:catalog",
      "arn:aws:glue:us-east-1:123456789012:database/retail_ops",
      "arn:aws:glue:us-east-1:123456789012:table/retail_ops/email_salt",
    ]);
    assert.match(merge.EmailSaltObject.Resource[0], /^arn:aws:s3:::.*\/email_salt\/\*$/);
    assert.deepStrictEqual(merge.Alert.Resource, [ARNS.topic]);
    assert.deepStrictEqual(merge.AthenaQueries.Resource, [ARNS.workgroup]);
    assert.deepStrictEqual(merge.AthenaResultsBucket.Resource, [ARNS.results]);
    assert.deepStrictEqual(merge.AthenaResults.Resource, [`${ARNS.results}/operations/*`], "only the operations workgroup's results");
    assert.deepStrictEqual(merge.Metrics.Condition, { StringEquals: { "cloudwatch:namespace": "Retail/Operations" } });
    assert.deepStrictEqual(
      merge.CatalogCommit.Resource,
      [
        "campaign_attribution",
        "canary_arrivals",
        "cart_events",
        "duplicates",
        "erp_inventory",
        "event_keys",
        "identity_bridge",
        "loyalty_redemptions",
        "loyalty_tier",
        "order_events",
        "quarantine",
        "unresolved_identities",
      ].map((t) => `${GLUE_TABLE}/retail_silver/${t}`),
      "merge writes silver only; bronze belongs to Firehose and Glue",
    );
    for (const t of ["pos_transactions", "erp_inventory", "loyalty_tier"])
      assert.ok(merge.CatalogRead.Resource.includes(`${GLUE_TABLE}/retail_bronze/${t}`), t);
    for (const role of ["reconcile", "freshness", "maintenance"]) {
      const sids = statements(role).map((s) => s.Sid);
      assert.ok(!sids.some((s) => s.startsWith("EmailSalt")), `${role} does not read the salt`);
      if (role !== "maintenance") assert.ok(!sids.includes("CatalogCommit"), `${role} writes no table`);
    }
    // The raw-email retention: maintenance commits to exactly the three bronze tables holding emails and the
    // unresolved-identities record it expires.
    assert.deepStrictEqual(statements("maintenance").find((s) => s.Sid === "CatalogCommit")!.Resource, [
      ...["cart_events", "loyalty_tier", "pos_transactions"].map((t) => `${GLUE_TABLE}/retail_bronze/${t}`),
      `${GLUE_TABLE}/retail_silver/unresolved_identities`,
    ]);
    // The canary puts on exactly the platform's streams; the freshness role lists SPICE ingestions, which IAM cannot scope.
    const put = statements("canary").find((s) => s.Sid === "CanaryPut")!;
    assert.deepStrictEqual(put.Action, ["kinesis:PutRecord"]);
    assert.deepStrictEqual(put.Resource, [
      "arn:aws:kinesis:us-east-1:123456789012:stream/retail-prod-cart-events",
      "arn:aws:kinesis:us-east-1:123456789012:stream/retail-prod-pos-transactions",
    ]);
    assert.ok(!statements("canary").some((s) => s.Sid === "CatalogRead" || s.Sid === "EmailSalt"), "the canary reads no table and no salt");
    const spice = statements("freshness").find((s) => s.Sid === "SpiceIngestions")!;
    assert.deepStrictEqual([spice.Action, spice.Resource], [["quicksight:ListIngestions"], ["*"]]);
    const maintenance = statements("maintenance").find((s) => s.Sid === "MaintenanceStatus")!;
    assert.deepStrictEqual(maintenance.Action, ["s3tables:GetTableMaintenanceJobStatus", "s3tables:GetTable"]);
    assert.ok(
      maintenance.Resource.every((r) =>
        /^arn:aws:s3tables:us-east-1:123456789012:bucket\/retail-prod-tables\/table\/retail_(bronze|silver)\.[a-z_]+$/.test(r),
      ),
    );
    assert.strictEqual(maintenance.Resource.length, 18, "12 silver tables and 6 bronze ones");
    const scheduler = Object.fromEntries(statements("scheduler").map((s) => [s.Sid, s]));
    assert.deepStrictEqual(
      [...scheduler.Invoke.Resource].sort(),
      byType(run, "aws:lambda/function:Function")
        .filter((f) => f.name !== "retail-prod-ops-erase" && f.name !== "retail-prod-ops-backfill")
        .map((f) => f.state.arn)
        .sort(),
      "the scheduler invokes every function but erase and backfill, which an operator runs",
    );
  });

  it("lets the backfill invoke the merge and itself, nothing else, read only what its checks count, and be invoked by no service", () => {
    const backfill = Object.fromEntries(statements("backfill").map((s) => [s.Sid, s]));
    assert.deepStrictEqual([backfill.InvokeMerge.Action, backfill.InvokeMerge.Resource], [["lambda:InvokeFunction"], [fn("merge").state.arn]]);
    const invokes = statements("backfill").filter((s) => s.Action.some((a) => a.startsWith("lambda:")));
    assert.deepStrictEqual(
      invokes.map((s) => s.Sid),
      ["InvokeMerge"],
      "the merge only, in its main policy",
    );
    assert.deepStrictEqual(statements("backfill-continue"), [
      { Sid: "ContinueItself", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [fn("backfill").state.arn] },
    ]);
    assert.ok(!("EmailSalt" in backfill) && !("EmailSaltCatalog" in backfill), "no salt: it never merges itself");
    for (const s of statements("backfill")) for (const a of s.Action) assert.ok(!/^s3tables:PutTableData|^glue:(Update|Create|Delete)/.test(a), a);
    const grants = byType(run, "aws:lakeformation/permissions:Permissions").filter((g) => g.name.startsWith("retail-prod-ops-backfill-"));
    assert.ok(grants.length > 0);
    for (const g of grants)
      assert.ok(
        g.inputs.permissions.every((p: string) => p === "SELECT" || p === "DESCRIBE"),
        `${g.name}: ${g.inputs.permissions}`,
      );
    const permissions = byType(run, "aws:lambda/permission:Permission").filter((p) => p.inputs.function === fn("backfill").state.name);
    assert.deepStrictEqual(permissions, [], "no service may invoke it");
    // A refused event or a window that timed out would fail again on a retry, holding the merge's slot: none.
    const retries = (f: string) =>
      byType(run, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").find((c) => c.inputs.functionName === fn(f).state.name)?.inputs
        .maximumRetryAttempts;
    assert.deepStrictEqual([retries("backfill"), retries("merge")], [0, 2]);
    const f = fn("backfill").inputs;
    assert.deepStrictEqual(
      [f.timeout, f.reservedConcurrentExecutions, f.environment.variables.MERGE_FUNCTION_NAME],
      [900, 1, fn("merge").state.name],
    );
  });

  it("ships the backfill the merged products, the bridge's CRM source to merge first, the retention and the checks' SQL", async () => {
    const settings = JSON.parse(await (await fn("backfill").inputs.code.assets)["settings.json"].text);
    assert.deepStrictEqual([...settings.products].sort(), [
      "campaign_attribution",
      "cart_events",
      "erp_inventory",
      "loyalty_redemptions",
      "loyalty_tier",
      "pos_transactions",
    ]);
    assert.deepStrictEqual(settings.bridgeSources, ["loyalty_tier"], "the bridge reads silver loyalty_tier");
    assert.deepStrictEqual([settings.timeoutSeconds, settings.mergeTimeoutSeconds, settings.rawEmailRetentionDays], [900, MERGE_TIMEOUT_SECONDS, 30]);
    assert.match(settings.coverage.sql, /count\(loyalty_id\) AS resolved/);
    assert.match(settings.accountingSql, /bronze_rows/);
  });

  it("grants Lake Formation SELECT on what a role reads and the merge DML (no ALTER, DROP or ALL) only on what merge writes", () => {
    const grants = byType(run, "aws:lakeformation/permissions:Permissions");
    const on = (role: string, table: string) =>
      grants.find((g: RecordedResource) => g.name === `retail-prod-ops-${role}-${table}`)?.inputs.permissions;
    assert.deepStrictEqual(on("merge", "retail_silver.order_events"), ["SELECT", "INSERT", "DELETE", "DESCRIBE"]);
    assert.deepStrictEqual(on("merge", "retail_bronze.cart_events"), ["SELECT", "DESCRIBE"]);
    assert.deepStrictEqual(on("merge", "retail_bronze.loyalty_tier"), ["SELECT", "DESCRIBE"]);
    assert.deepStrictEqual(on("merge", "retail_silver.loyalty_tier"), ["SELECT", "INSERT", "DELETE", "DESCRIBE"]);
    assert.deepStrictEqual(on("reconcile", "retail_silver.order_events"), ["SELECT", "DESCRIBE"]);
    // The retention's UPDATEs (Athena: merge-on-read, so position deletes plus rewritten rows) on exactly the three
    // bronze email tables, its DELETE on the unresolved-identities record, and DESCRIBE on their namespaces; nothing else.
    assert.deepStrictEqual(
      grants
        .filter((g) => g.name.startsWith("retail-prod-ops-maintenance-"))
        .map((g) => [g.name.slice("retail-prod-ops-maintenance-".length), g.inputs.permissions])
        .sort(),
      [
        ["retail_bronze", ["DESCRIBE"]],
        ...["cart_events", "loyalty_tier", "pos_transactions"].map((t) => [`retail_bronze.${t}`, ["SELECT", "INSERT", "DELETE", "DESCRIBE"]]),
        ["retail_silver", ["DESCRIBE"]],
        ["retail_silver.unresolved_identities", ["SELECT", "INSERT", "DELETE", "DESCRIBE"]],
      ],
    );
  });

  it("alarms on errors, failed runs, drift over tolerance and staleness over budget, all to the alarm topic", () => {
    const alarms = byType(run, "aws:cloudwatch/metricAlarm:MetricAlarm");
    for (const a of alarms) assert.deepStrictEqual(a.inputs.alarmActions, [ARNS.topic], a.name);
    const drift = alarm("drift-order-events").inputs;
    assert.deepStrictEqual([drift.metricName, drift.dimensions, drift.threshold], ["DriftRatio", { Table: "order_events" }, 0.001]);
    const stale = alarm("staleness-conversion-rate").inputs;
    assert.deepStrictEqual(
      [stale.metricName, stale.dimensions, stale.threshold, stale.treatMissingData],
      ["StalenessMinutes", { Kpi: "conversion_rate" }, 22, "breaching"],
    );
    assert.strictEqual(alarm("staleness-inventory-fill-rate").inputs.threshold, 1800);
    const mergeErrors = alarm("merge-errors").inputs;
    assert.deepStrictEqual(
      [mergeErrors.namespace, mergeErrors.metricName, mergeErrors.dimensions.FunctionName],
      ["AWS/Lambda", "Errors", fn("merge").state.name],
    );
    assert.deepStrictEqual(
      [alarm("failed-runs").inputs.metricName, alarm("failed-runs").inputs.threshold],
      ["ApproximateNumberOfMessagesVisible", 0],
    );
    assert.strictEqual(alarm("table-maintenance").inputs.metricName, "MaintenanceProblems");
    for (const k of ["reconcile-errors", "freshness-errors", "maintenance-errors"]) assert.ok(alarm(k), k);
  });

  it("drift alarms at the tolerance itself (inclusive, as the handler's isMismatch), and at any drift for a tolerance of 0", () => {
    assert.strictEqual(alarm("drift-order-events").inputs.comparisonOperator, "GreaterThanOrEqualToThreshold");
    assert.deepStrictEqual(driftAlarmThreshold(0.001), { comparisonOperator: "GreaterThanOrEqualToThreshold", threshold: 0.001 });
    assert.deepStrictEqual(
      driftAlarmThreshold(0),
      { comparisonOperator: "GreaterThanThreshold", threshold: 0 },
      "a tolerance of 0 is exact: drift 0 is fine, anything above alarms",
    );
    // The same boundary as the handler's check, on both sides of it.
    for (const [drift, tol] of [
      [0.001, 0.001],
      [0.0009, 0.001],
      [0, 0],
      [0.0001, 0],
    ]) {
      const { comparisonOperator, threshold } = driftAlarmThreshold(tol);
      const alarms = comparisonOperator === "GreaterThanOrEqualToThreshold" ? drift >= threshold : drift > threshold;
      assert.strictEqual(alarms, isMismatch(drift, tol), `drift ${drift} at tolerance ${tol}`);
    }
  });

  it("alarms per product on an hour's quarantine rate (>= 5 %) and on any unaccounted bronze row, either sign", () => {
    const products = ["campaign_attribution", "cart_events", "erp_inventory", "loyalty_redemptions", "loyalty_tier", "pos_transactions"];
    for (const p of products) {
      const q = alarm(`quarantine-rate-${p.replace(/_/g, "-")}`).inputs;
      assert.deepStrictEqual([q.threshold, q.comparisonOperator, q.treatMissingData], [0.05, "GreaterThanOrEqualToThreshold", "notBreaching"], p);
      const byId = Object.fromEntries(q.metricQueries.map((m: { id: string }) => [m.id, m]));
      assert.deepStrictEqual(byId.q.metric.dimensions, { Product: p });
      assert.deepStrictEqual([byId.q.metric.metricName, byId.m.metric.metricName], ["RowsQuarantined", "RowsMerged"]);
      // The table the product's accepted rows land in, as the merge publishes RowsMerged for it: POS lines go to order_events.
      const own = p === "pos_transactions" ? "retail_silver.order_events" : `retail_silver.${p}`;
      assert.deepStrictEqual(byId.m.metric.dimensions, { Product: p, Table: own });
      assert.strictEqual(byId.rate.expression, "q / (q + FILL(m, 0))");
      const u = alarm(`unaccounted-${p.replace(/_/g, "-")}`).inputs;
      const uq = Object.fromEntries(u.metricQueries.map((m: { id: string }) => [m.id, m]));
      assert.deepStrictEqual(
        [uq.u.metric.metricName, uq.u.metric.dimensions, uq.abs.expression],
        ["UnaccountedRows", { Table: `accounting:${p}` }, "ABS(u)"],
      );
      assert.deepStrictEqual([u.threshold, u.comparisonOperator], [0, "GreaterThanThreshold"]);
    }
  });

  it("ships each handler as its bundle and settings file: the merge runs alone and asks for its environment", async () => {
    const merge = fn("merge");
    assert.strictEqual(merge.inputs.handler, "index.handler");
    const assets = await merge.inputs.code.assets;
    assert.deepStrictEqual(Object.keys(assets).sort(), ["index.js", "settings.json"]);
    const settings = JSON.parse(await assets["settings.json"].text);
    assert.deepStrictEqual(Object.keys(settings.products).sort(), [
      "campaign_attribution",
      "cart_events",
      "erp_inventory",
      "loyalty_redemptions",
      "loyalty_tier",
      "pos_transactions",
    ]);
    assert.match(settings.bridgeSql, /\(SELECT salt FROM awsdatacatalog\.retail_ops\.email_salt\)/, "the SQL reads the salt from its table");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ops-merge-"));
    try {
      for (const file of Object.keys(assets)) fs.writeFileSync(path.join(dir, file), await assets[file].text);
      const script = `require("./index.js").handler({ product: "cart_events" }, { getRemainingTimeInMillis: () => 60000 }).catch((e) => console.log(e.message))`;
      const out = execFileSync(process.execPath, ["-e", script], {
        cwd: dir,
        env: { PATH: process.env.PATH, NODE_PATH: path.join(__dirname, "..", "..", "..", "node_modules"), NODE_NO_WARNINGS: "1" },
        encoding: "utf8",
      });
      assert.match(out, /environment variable ATHENA_WORKGROUP is not set/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Operations refuses what it cannot plan", () => {
  it("reports planning problems against the component (a ResourceError naming the fix)", async () => {
    await assert.rejects(
      runProgram({
        stack: "prod",
        config: { "aws:region": "us-east-1" },
        program: path.join(__dirname, "..", "..", "fixtures", "unplannable-operations", "index.ts"),
      }),
      (e: unknown) => {
        assert.ok(e instanceof pulumi.ResourceError, `got ${String(e)}`);
        assert.match(e.message, /streaming product "clickstream" has no sql\/merge\/clickstream.sql/);
        return true;
      },
    );
  });
});

describe("planOperations", () => {
  const base = { products: [], goldChannelMode: "omnichannel" as const, kpiFreshnessBudgetMinutes: {}, batchJobNames: {} };
  const silver = [
    "cart_events",
    "order_events",
    "identity_bridge",
    "quarantine",
    "duplicates",
    "event_keys",
    "loyalty_tier",
    "erp_inventory",
    "loyalty_redemptions",
    "campaign_attribution",
    "canary_arrivals",
    "unresolved_identities",
  ].map((t) => `retail_silver.${t}`);
  const stream = (name: string) => ({ name, lane: "stream" as const, freshnessMinutes: 5 });
  const daily = (name: string, timeoutMinutes: number) => ({ name, lane: "batch-daily" as const, timeoutMinutes });
  const bronze = ["cart_events", "pos_transactions", "erp_inventory", "loyalty_tier"].map((t) => `retail_bronze.${t}`);

  it("refuses a streaming product without a merge file and a budget for a KPI without a gold view, naming the fix", () => {
    assert.throws(
      () =>
        planOperations({ ...base, products: [stream("clickstream")], kpiFreshnessBudgetMinutes: { nps: 60 } }, [
          ...silver,
          "retail_bronze.cart_events",
          "retail_bronze.pos_transactions",
        ]),
      (e: unknown) => {
        assert.ok(e instanceof OperationsArgsError);
        assert.match(e.message, /streaming product "clickstream" has no sql\/merge\/clickstream.sql/);
        assert.match(e.message, /KPI "nps" has a freshness budget but no sql\/gold\/omnichannel\/nps.sql/);
        return true;
      },
    );
  });

  it("refuses a merge whose SQL reads a bronze table the stack does not create", () => {
    assert.throws(
      () => planOperations({ ...base, products: [stream("cart_events")] }, [...silver, "retail_bronze.cart_events"]),
      /names retail_bronze.pos_transactions, which this stack does not create/,
    );
  });

  it("triggers a batch merge by its Glue job, re-reading the job's timeout and one cadence of bronze", () => {
    const plan = planOperations({ ...base, products: [daily("erp_inventory", 120)], batchJobNames: { erp_inventory: "job" } }, [
      ...silver,
      ...bronze,
    ]);
    assert.deepStrictEqual(
      plan.merges.map((m) => [m.product, m.trigger, m.lookbackMinutes]),
      [["erp_inventory", { kind: "glue-job-succeeded" }, BATCH_CADENCE_MINUTES["batch-daily"] + 120]],
    );
    // The accounting reads every product's bronze, so a stack without one has no accounting (it names what is missing).
    assert.deepStrictEqual(
      plan.notReconciled.map((n) => n.table).sort(),
      ["accounting", "campaign_attribution", "loyalty_redemptions"],
      "only files whose bronze this stack lacks",
    );
    assert.ok("erp_inventory" in plan.reconcile && "loyalty_tier" in plan.reconcile);
  });

  it("refuses a batch product without its Glue job name or its merge file", () => {
    assert.throws(
      () => planOperations({ ...base, products: [daily("erp_inventory", 120), daily("pos_snapshot", 30)] }, [...silver, ...bronze]),
      (e: unknown) => {
        assert.ok(e instanceof OperationsArgsError);
        assert.match(e.message, /batch product "erp_inventory" has no entry in batchJobNames, so nothing would start its merge/);
        assert.match(e.message, /batch product "pos_snapshot" has no sql\/merge\/pos_snapshot.sql/);
        return true;
      },
    );
  });

  it("follows the canary into every KPI fed by a stream, and waits for SPICE where the KPI has a data set", () => {
    const both = [...silver, ...bronze, "retail_bronze.loyalty_redemptions"];
    const plan = planOperations(
      {
        ...base,
        products: [stream("cart_events"), stream("pos_transactions"), daily("erp_inventory", 120)],
        batchJobNames: { erp_inventory: "job" },
        kpiFreshnessBudgetMinutes: { cart_abandonment: 22, sku_velocity: 15, inventory_fill_rate: 1800 },
        canaryIntervalMinutes: 15,
        spiceDataSetIds: { cart_abandonment: "retail-prod-gold-cart-abandonment" },
      },
      both,
    );
    assert.deepStrictEqual(plan.canary?.kpis, {
      cart_abandonment: { budgetMinutes: 22, products: ["cart_events", "pos_transactions"], dataSetId: "retail-prod-gold-cart-abandonment" },
      sku_velocity: { budgetMinutes: 15, products: ["cart_events", "pos_transactions"] },
    });
    assert.ok(plan.access.freshness.reads.includes("retail_silver.canary_arrivals"));
    assert.deepStrictEqual(plan.bridgeCoverageProducts, ["cart_events", "pos_transactions"]);
    assert.strictEqual(planOperations({ ...base, products: [stream("cart_events"), stream("pos_transactions")] }, both).canary, undefined);
  });

  it("refuses the canary on a stream product it has no valid row for, naming the fix", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "canary-sql-"));
    fs.cpSync(SQL_DIR, root, { recursive: true });
    fs.copyFileSync(path.join(SQL_DIR, "merge", "cart_events.sql"), path.join(root, "merge", "clickstream.sql"));
    try {
      assert.throws(
        () =>
          planOperations(
            {
              ...base,
              sqlRoot: root,
              products: [stream("clickstream"), stream("cart_events"), stream("pos_transactions")],
              canaryIntervalMinutes: 15,
            },
            [...silver, ...bronze],
          ),
        /stream product "clickstream" has no canary row, so the canary could not measure it\. Fix: add one to core\/canary\.ts, or set retail:canary\.enabled to false\./,
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("tells reads from writes", () => {
    assert.deepStrictEqual(
      tableAccess(["-- MERGE INTO retail_silver.nope\nMERGE INTO retail_silver.a t USING (SELECT * FROM retail_bronze.b) s ON 1=1"]),
      {
        reads: ["retail_bronze.b"],
        writes: ["retail_silver.a"],
      },
    );
  });
});

describe("productSilverTable: the quarantine rate's denominator is a table the merge really writes", () => {
  it("is the product's own silver table, else its one data table; never bookkeeping", () => {
    for (const product of ["cart_events", "pos_transactions", "erp_inventory", "loyalty_tier", "loyalty_redemptions"]) {
      const sql = fs.readFileSync(path.join(__dirname, "../../../sql/merge", `${product}.sql`), "utf8");
      const table = productSilverTable(product, sql);
      const written = sql
        .split(";")
        .map((st) => targetOf(st))
        .filter(Boolean);
      assert.ok(written.includes(table), `${product}: ${table} is not a target of its merge`);
      assert.strictEqual(table, product === "pos_transactions" ? "retail_silver.order_events" : `retail_silver.${product}`);
    }
  });
});
