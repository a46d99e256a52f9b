import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { TAG } from "../../core/tags";
import { refreshWindowOf } from "../../core/refreshWindow";
import { trinoSyntaxErrors } from "../spec/trino";
import { byType, ProgramRun, RecordedResource, runProgram } from "../../local/harness";
import { dailyRefreshTime, freshnessBudget } from "../../core/freshness";
import { KPI_CATALOG_FILE, loadKpiCatalog, REFRESH_CADENCES } from "../../core/kpiCatalog";
import {
  OPERATIONS_RESULT_RETENTION_DAYS,
  OPERATIONS_RESULTS_PREFIX,
  teamSlug,
  validateGoldLayerArgs,
  GoldLayer,
  GoldLayerArgs,
} from "../../components/gold";
import { validateKpiDatasetArgs } from "../../components/kpiDataset";
import { kpiDatasetOptions } from "../../infra/gold";
import { platformConfig, writeTemp } from "../support/config";
import { stackConfig } from "../support/stacks";
import { ACCOUNT } from "../support/arns";

const PROGRAM = path.join(__dirname, "..", "fixtures", "gold-layer", "index.ts");
const GROUP = (g: string) => `arn:aws:quicksight:us-east-1:123456789012:group/default/${g}`;

async function run(stack: "dev" | "prod", overrides: Record<string, unknown> = {}, catalog?: string): Promise<ProgramRun> {
  process.env.RETAIL_TEST_KPI_CATALOG = catalog ?? "";
  try {
    return await runProgram({
      stack,
      program: PROGRAM,
      config: stackConfig(stack, Object.fromEntries(Object.entries(overrides).map(([k, v]) => [`retail:${k}`, v]))),
      secretKeys: ["retail:emailHashSalt"],
    });
  } finally {
    delete process.env.RETAIL_TEST_KPI_CATALOG;
  }
}
const dataset = (r: ProgramRun, kpi: string) => byType(r, "aws:quicksight/dataSet:DataSet").find((d) => d.inputs.name === kpi)!;
const schedules = (r: ProgramRun, kpi: string) =>
  byType(r, "aws:quicksight/refreshSchedule:RefreshSchedule").filter((s) => s.name.startsWith(`retail-${r.stack}-gold-${kpi.replace(/_/g, "-")}-`));
const views = (r: ProgramRun) => r.resources.filter((x) => x.type === "pulumi-nodejs:dynamic/retail:AthenaView");

describe("gold layer and KPI datasets under mocks", () => {
  let prod: ProgramRun;
  let storeOnly: ProgramRun;
  before(async () => {
    prod = await run("prod");
    storeOnly = await run("prod", { goldChannelMode: "store-only" });
  });

  it("builds one dataset per catalog KPI on its gold view, with the catalog's import mode", () => {
    const got = Object.fromEntries(
      byType(prod, "aws:quicksight/dataSet:DataSet").map((d) => [
        d.inputs.name,
        [d.inputs.importMode, d.inputs.physicalTableMaps[0].customSql.sqlQuery],
      ]),
    );
    assert.deepStrictEqual(got, {
      conversion_rate: ["SPICE", "SELECT * FROM retail_gold.conversion_rate WHERE day > current_date - INTERVAL '2' DAY"],
      cart_abandonment: ["SPICE", "SELECT * FROM retail_gold.cart_abandonment WHERE day > current_date - INTERVAL '2' DAY"],
      sku_velocity: ["DIRECT_QUERY", "SELECT * FROM retail_gold.sku_velocity"],
      loyalty_redemption_rate: ["SPICE", "SELECT * FROM retail_gold.loyalty_redemption_rate WHERE day > current_date - INTERVAL '2' DAY"],
      inventory_fill_rate: ["DIRECT_QUERY", "SELECT * FROM retail_gold.inventory_fill_rate"],
      campaign_roas: ["SPICE", "SELECT * FROM retail_gold.campaign_roas WHERE day > current_date - INTERVAL '2' DAY"],
    });
    // Each dataset reads through its owner team's data source (and so its workgroup).
    assert.strictEqual(
      dataset(prod, "sku_velocity").inputs.physicalTableMaps[0].customSql.dataSourceArn,
      "arn:aws:quicksight:us-east-1:123456789012:datasource/retail-prod-gold-inventory",
    );
    assert.ok(
      byType(prod, "aws:quicksight/dataSet:DataSet").every((d) => d.protect),
      "prod protects datasets dashboards bind to",
    );
  });

  it("parents every KPI dataset to the gold layer, after its views, with an alias that moves existing ones from where they sat", () => {
    const layers = byType(prod, "retail:analytics:GoldLayer");
    assert.strictEqual(layers.length, 1);
    const datasets = byType(prod, "retail:analytics:KpiDataset");
    assert.strictEqual(datasets.length, 6);
    for (const d of datasets) assert.strictEqual(d.parent, layers[0].urn, `${d.name} is a child of the gold layer`);
    const viewUrns = views(prod).map((v) => v.urn);
    for (const d of datasets) assert.deepStrictEqual(d.dependencies.filter((u) => viewUrns.includes(u)).sort(), viewUrns.sort());

    const goldLayer = { views: { a: "view-a" } } as unknown as GoldLayer;
    const options = kpiDatasetOptions(goldLayer);
    assert.strictEqual(options.parent, goldLayer);
    assert.deepStrictEqual(options.dependsOn, ["view-a"]);
    // Datasets used to sit at the stack root (buildGold gets no parent): the alias names that old parent explicitly.
    assert.deepStrictEqual(options.aliases, [{ parent: pulumi.rootStackResource }]);
    const former = { name: "platform" } as unknown as pulumi.Resource;
    assert.deepStrictEqual(kpiDatasetOptions(goldLayer, former).aliases, [{ parent: former }]);
  });

  it("schedules SPICE refreshes from the cadence: incremental 15-min with a lookback on the event-time column, hourly and daily full; none for DIRECT_QUERY", () => {
    const nightly = dailyRefreshTime(platformConfig("prod"));
    const sched = (kpi: string) =>
      schedules(prod, kpi).map((s) => [
        s.inputs.scheduleId,
        s.inputs.schedule.refreshType,
        s.inputs.schedule.scheduleFrequency.interval,
        s.inputs.schedule.scheduleFrequency.timeOfTheDay,
      ]);
    assert.deepStrictEqual(sched("cart_abandonment"), [
      ["refresh", "INCREMENTAL_REFRESH", "MINUTE15", undefined],
      ["nightly-full", "FULL_REFRESH", "DAILY", nightly],
    ]);
    assert.deepStrictEqual(dataset(prod, "cart_abandonment").inputs.refreshProperties, {
      refreshConfiguration: { incrementalRefresh: { lookbackWindow: { columnName: "day", size: 2, sizeUnit: "DAY" } } },
    });
    assert.deepStrictEqual(sched("conversion_rate"), [["refresh", "FULL_REFRESH", "HOURLY", undefined]]);
    assert.strictEqual(dataset(prod, "conversion_rate").inputs.refreshProperties, undefined);
    assert.deepStrictEqual(sched("loyalty_redemption_rate"), [["refresh", "FULL_REFRESH", "DAILY", nightly]]);
    assert.deepStrictEqual(sched("sku_velocity"), []);
    assert.deepStrictEqual(sched("inventory_fill_rate"), []);
  });

  it("bounds each SPICE dataset's SQL by its catalog window on the view's day column; DIRECT_QUERY reads the view live", () => {
    const sql = (kpi: string) => dataset(prod, kpi).inputs.physicalTableMaps.map((m: { customSql: { sqlQuery: string } }) => m.customSql.sqlQuery);
    for (const k of loadKpiCatalog()) {
      const expected =
        k.importMode === "SPICE"
          ? `SELECT * FROM retail_gold.${k.view} WHERE ${k.eventTimeColumn} > current_date - INTERVAL '${k.refreshWindowDays}' DAY`
          : `SELECT * FROM retail_gold.${k.view}`;
      assert.deepStrictEqual(sql(k.kpi), [expected], k.kpi);
      assert.strictEqual(dataset(prod, k.kpi).inputs.tags[TAG.sourceProducts], k.sourceProducts.join(" "), k.kpi);
    }
    assert.deepStrictEqual(sql("conversion_rate"), ["SELECT * FROM retail_gold.conversion_rate WHERE day > current_date - INTERVAL '2' DAY"]);
    // What QuickSight sends Athena must parse as Trino, and read back as the window the policy pack checks.
    for (const k of loadKpiCatalog().filter((c) => c.importMode === "SPICE")) {
      const [q] = sql(k.kpi);
      assert.deepStrictEqual(trinoSyntaxErrors(q), [], k.kpi);
      assert.deepStrictEqual(refreshWindowOf(q), { table: `retail_gold.${k.view}`, dayColumn: k.eventTimeColumn, days: k.refreshWindowDays }, k.kpi);
    }
  });

  it("grants each dataset to its owner team's QuickSight group only, and tags it for policies", () => {
    const owners = {
      conversion_rate: "merchandising-analysts",
      cart_abandonment: "ecommerce-analysts",
      sku_velocity: "inventory-analysts",
      loyalty_redemption_rate: "marketing-analysts",
      inventory_fill_rate: "supply-chain-analysts",
    };
    for (const [kpi, group] of Object.entries(owners)) {
      const d = dataset(prod, kpi);
      assert.deepStrictEqual(
        d.inputs.permissions.map((p: { principal: string }) => p.principal),
        [GROUP(group)],
      );
      assert.ok(!d.inputs.permissions[0].actions.includes("quicksight:DeleteDataSet"), "only Pulumi changes the definition");
    }
    assert.deepStrictEqual(dataset(prod, "sku_velocity").inputs.tags, {
      "retail:environment": "prod",
      "retail:component": "KpiDataset",
      "retail:kpi": "sku_velocity",
      "retail:expected-rows": "60000000",
      "retail:steward-approved": "true",
      "retail:event-time-column": "day",
      "retail:source-products": "cart_events pos_transactions",
    });
    assert.strictEqual(dataset(prod, "loyalty_redemption_rate").inputs.tags["retail:steward-approved"], "false");
  });

  it("creates Amazon Q topics only for steward-approved KPIs, and exports the gate as data", () => {
    const topics = byType(prod, "aws-native:quicksight:Topic").map((t) => t.inputs.name);
    assert.deepStrictEqual(topics.sort(), ["cart_abandonment", "conversion_rate", "sku_velocity"]);
    assert.deepStrictEqual(prod.outputs.qEligibleKpis, ["conversion_rate", "cart_abandonment", "sku_velocity"]);
    assert.deepStrictEqual(Object.keys(prod.outputs.qTopics as object), ["conversion_rate", "cart_abandonment", "sku_velocity"]);
  });

  it("runs a workgroup per owner team plus the platform and operations ones: engine v3, enforced, cutoff from config, metrics on, encrypted results", () => {
    const wgs = byType(prod, "aws:athena/workgroup:Workgroup");
    assert.deepStrictEqual(wgs.map((w) => w.inputs.name).sort(), [
      "retail-prod-gold-e-commerce",
      "retail-prod-gold-inventory",
      "retail-prod-gold-marketing",
      "retail-prod-gold-merchandising",
      "retail-prod-gold-operations",
      "retail-prod-gold-platform",
      "retail-prod-gold-supply-chain",
    ]);
    for (const w of wgs) {
      const c = w.inputs.configuration;
      assert.strictEqual(c.engineVersion.selectedEngineVersion, "Athena engine version 3");
      assert.strictEqual(c.enforceWorkgroupConfiguration, true);
      assert.strictEqual(c.publishCloudwatchMetricsEnabled, true);
      assert.strictEqual(c.bytesScannedCutoffPerQuery, 107374182400);
      assert.match(c.resultConfiguration.outputLocation, /^s3:\/\/retail-prod-gold-results-mock\/[a-z-]+\/$/);
      // Athena refuses INSERT/MERGE on S3 Tables from a workgroup with SSE-KMS results: only the operations one writes.
      const expected =
        w.inputs.name === "retail-prod-gold-operations"
          ? { encryptionOption: "SSE_S3" }
          : { encryptionOption: "SSE_KMS", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/lakehouse" };
      assert.deepStrictEqual(c.resultConfiguration.encryptionConfiguration, expected, w.inputs.name);
    }
    assert.strictEqual(
      wgs.find((w) => w.inputs.name === "retail-prod-gold-operations")!.inputs.configuration.resultConfiguration.outputLocation,
      `s3://retail-prod-gold-results-mock/${OPERATIONS_RESULTS_PREFIX}`,
    );
    // One bucket, made by secureBucket: KMS by default, public access blocked, TLS only, results expiring.
    assert.strictEqual(byType(prod, "aws:s3/bucket:Bucket").length, 1);
    const sse = byType(prod, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")[0].inputs;
    assert.strictEqual(sse.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
    const pab = byType(prod, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")[0].inputs;
    assert.ok(pab.blockPublicAcls && pab.blockPublicPolicy && pab.ignorePublicAcls && pab.restrictPublicBuckets);
    assert.match(byType(prod, "aws:s3/bucketPolicy:BucketPolicy")[0].inputs.policy, /"aws:SecureTransport":"false"/);
    const [lifecycle] = byType(prod, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
    assert.deepStrictEqual(
      lifecycle.inputs.rules.map((r: any) => [r.filter.prefix ?? "", r.expiration.days]),
      [
        ["", 30],
        [OPERATIONS_RESULTS_PREFIX, OPERATIONS_RESULT_RETENTION_DAYS],
      ],
    );
    assert.deepStrictEqual(prod.outputs.athenaWorkgroups, {
      platform: "retail-prod-gold-platform",
      teams: {
        Merchandising: "retail-prod-gold-merchandising",
        "E-commerce": "retail-prod-gold-e-commerce",
        Inventory: "retail-prod-gold-inventory",
        Marketing: "retail-prod-gold-marketing",
        "Supply chain": "retail-prod-gold-supply-chain",
      },
    });
  });

  it("alarms each workgroup's daily scanned bytes against athena.dailyScanBudgetBytes", () => {
    const alarms = byType(prod, "aws:cloudwatch/metricAlarm:MetricAlarm");
    assert.strictEqual(alarms.length, byType(prod, "aws:athena/workgroup:Workgroup").length, "one per workgroup");
    const team = alarms.find((a) => a.name === "retail-prod-gold-inventory-daily-scan")!.inputs;
    assert.strictEqual(team.threshold, 1099511627776);
    assert.deepStrictEqual(team.alarmActions, ["arn:aws:sns:us-east-1:123456789012:retail-alarms"]);
    const metrics = team.metricQueries
      .filter((q: any) => q.metric)
      .map((q: any) => [q.metric.metricName, q.metric.period, q.metric.dimensions.WorkGroup, q.metric.dimensions.QueryState]);
    assert.deepStrictEqual(metrics, [
      ["ProcessedBytes", 86400, "retail-prod-gold-inventory", "SUCCEEDED"],
      ["ProcessedBytes", 86400, "retail-prod-gold-inventory", "FAILED"],
      ["ProcessedBytes", 86400, "retail-prod-gold-inventory", "CANCELLED"],
    ]);
  });

  it("lets QuickSight read silver through the resource link: IAM and Lake Formation on the link as well as its target", () => {
    const res = (type: string, name: string) => byType(prod, type).find((r) => r.name === name)!;
    const doc = JSON.parse(res("aws:iam/rolePolicy:RolePolicy", "retail-prod-gold-quicksight").inputs.policy);
    const catalog = doc.Statement.find((st: { Sid: string }) => st.Sid === "ReadGoldAndLinkedCatalog").Resource as string[];
    for (const arn of [
      "database/retail_silver",
      "table/retail_silver/order_events",
      "table/s3tablescatalog/retail-prod-tables/retail_silver/order_events",
    ]) {
      assert.ok(catalog.includes(`arn:aws:glue:us-east-1:123456789012:${arn}`), arn);
    }
    assert.ok(!catalog.some((a) => a.endsWith("/*") && a.includes("retail_silver")), "no silver wildcard: only the tables the views read");
    const grant = (suffix: string) => res("aws:lakeformation/permissions:Permissions", `retail-prod-gold-quicksight-retail_silver${suffix}`).inputs;
    assert.deepStrictEqual(grant("-link").database, { name: "retail_silver" }, "the link, in the account's default catalog");
    assert.deepStrictEqual(grant("-link").permissions, ["DESCRIBE"]);
    assert.deepStrictEqual(grant(".order_events").table, {
      catalogId: "123456789012:s3tablescatalog/retail-prod-tables",
      databaseName: "retail_silver",
      name: "order_events",
    });
    assert.deepStrictEqual(grant(".order_events").permissions, ["SELECT", "DESCRIBE"]);
  });

  it("creates the views in the retail_gold Glue database, reading silver through a resource link to the S3 Tables namespace", () => {
    const dbs = byType(prod, "aws:glue/catalogDatabase:CatalogDatabase").sort((a, b) => a.inputs.name.localeCompare(b.inputs.name));
    assert.deepStrictEqual(
      dbs.map((d) => [d.inputs.name, d.inputs.targetDatabase, d.protect]),
      [
        ["retail_gold", undefined, true],
        ["retail_silver", { catalogId: "123456789012:s3tablescatalog/retail-prod-tables", databaseName: "retail_silver" }, false],
      ],
    );
    const v = views(prod);
    assert.deepStrictEqual(v.map((x) => x.inputs.viewName).sort(), [
      "campaign_roas",
      "cart_abandonment",
      "conversion_rate",
      "inventory_fill_rate",
      "loyalty_redemption_rate",
      "sku_velocity",
    ]);
    assert.ok(v.every((x) => x.inputs.database === "retail_gold" && x.inputs.workGroup === "retail-prod-gold-platform"));
    assert.strictEqual(
      v.find((x) => x.inputs.viewName === "conversion_rate")!.inputs.statement,
      fs
        .readFileSync(path.join(__dirname, "../../sql/gold/omnichannel/conversion_rate.sql"), "utf8")
        .split("\n")
        .filter((l) => !l.startsWith("--"))
        .join("\n")
        .trim()
        .replace(/;$/, ""),
    );
  });

  it("rollback: store-only swaps every view's SQL to its store-only variant, re-ingests SPICE and watches its 48 h, touches nothing else, and says so", () => {
    // The rollback's own guard rails differ by design (tests/infra/rollback.test.ts): the deploy ingestions and the watch.
    const guard = (x: RecordedResource) => x.type === "aws:quicksight/ingestion:Ingestion" || x.name.endsWith("-rollback-watch");
    const other = (r: ProgramRun) =>
      r.resources
        .filter((x) => x.type !== "pulumi-nodejs:dynamic/retail:AthenaView" && !guard(x))
        .map((x: RecordedResource) => [x.urn, JSON.stringify(x.inputs)])
        .sort();
    assert.deepStrictEqual(other(storeOnly), other(prod));
    assert.deepStrictEqual(
      views(prod)
        .map((v) => v.urn)
        .sort(),
      views(storeOnly)
        .map((v) => v.urn)
        .sort(),
      "same view resources: an in-place CREATE OR REPLACE, not a replacement",
    );
    for (const a of views(prod)) {
      const b = views(storeOnly).find((v) => v.urn === a.urn)!;
      assert.notStrictEqual(a.inputs.statement, b.inputs.statement, `${a.inputs.viewName} must swap to its store-only SQL`);
    }
    const storeConversion = views(storeOnly).find((v) => v.inputs.viewName === "conversion_rate")!;
    assert.ok(!storeConversion.inputs.statement.includes("buyers"), "the store-only conversion_rate has no cross-channel join");
    assert.deepStrictEqual((storeOnly.outputs.goldChannelMode as any).mode, "store-only");
    assert.strictEqual(
      (storeOnly.outputs.goldChannelMode as any).viewSources["retail_gold.conversion_rate"],
      "sql/gold/store-only/conversion_rate.sql",
    );
    assert.strictEqual((prod.outputs.goldChannelMode as any).viewSources["retail_gold.conversion_rate"], "sql/gold/omnichannel/conversion_rate.sql");
  });

  it("exports the freshness budget per KPI, as computed from the stack file and the catalog", () => {
    const budget = prod.outputs.freshnessBudget as Record<string, { minutes: number; budgetMinutes: number }>;
    assert.deepStrictEqual(Object.keys(budget), [
      "conversion_rate",
      "cart_abandonment",
      "sku_velocity",
      "loyalty_redemption_rate",
      "inventory_fill_rate",
      "campaign_roas",
    ]);
    assert.deepStrictEqual(budget, JSON.parse(JSON.stringify(freshnessBudget(platformConfig("prod"), loadKpiCatalog()))));
  });

  it("spills a SPICE KPI above the cap to DIRECT_QUERY without a refresh schedule; dev leaves datasets unprotected", async () => {
    const csv = fs.readFileSync(KPI_CATALOG_FILE, "utf8").replace(",Merchandising,true,30000,", ",Merchandising,true,10000001,");
    const r = await run("dev", {}, writeTemp("spill.csv", csv));
    assert.strictEqual(dataset(r, "conversion_rate").inputs.importMode, "DIRECT_QUERY");
    assert.deepStrictEqual(schedules(r, "conversion_rate"), []);
    assert.strictEqual((r.outputs.quicksightDatasets as any).conversion_rate.spilled, true);
    assert.strictEqual(dataset(r, "loyalty_redemption_rate").inputs.importMode, "SPICE", "KPIs under the cap stay in SPICE");
    assert.ok(byType(r, "aws:quicksight/dataSet:DataSet").every((d) => !d.protect));
  });

  it("refuses a catalog that pins SPICE above the cap, naming the KPI, before any dataset exists", async () => {
    const csv = fs.readFileSync(KPI_CATALOG_FILE, "utf8").replace(",E-commerce,true,30000,", ",E-commerce,true,12000000,");
    await assert.rejects(
      run("prod", {}, writeTemp("pinned.csv", csv)),
      /KPI "cart_abandonment" expects 12000000 rows, above the SPICE cap of 10000000, and spill_to_direct_query is false/,
    );
  });
});

describe("gold validators", () => {
  const args: GoldLayerArgs = {
    account: ACCOUNT,
    environment: "prod",
    channelMode: "omnichannel",
    views: [{ name: "conversion_rate", sql: { omnichannel: "x", "store-only": "y" } }],
    ownerGroups: { Merchandising: "merchandising-analysts" },
    quicksightNamespace: "default",
    bytesScannedCutoffPerQuery: 10_000_000,
    dailyScanBudgetBytes: 10_000_000,
    resultRetentionDays: 7,
    lakehouse: { catalogId: "c", tableBucketName: "b", tableBucketArn: "a", kmsKeyArn: "k" },
    linkedNamespaces: ["retail_silver"],
    alarmTopicArn: "t",
    protect: false,
  };
  it("names a team's workgroup and data source from its letters and digits only", () => {
    assert.strictEqual(teamSlug("Supply chain"), "supply-chain");
    assert.strictEqual(teamSlug(" E-commerce & Web! "), "e-commerce-web");
  });
  it("accepts the happy path and names the field and fix for each bad one", () => {
    validateGoldLayerArgs(args);
    assert.throws(
      () => validateGoldLayerArgs({ ...args, bytesScannedCutoffPerQuery: 1000 }),
      /bytesScannedCutoffPerQuery = 1000 must be a whole number >= 10000000 \(Athena's minimum\)/,
    );
    assert.throws(() => validateGoldLayerArgs({ ...args, views: [] }), pulumi.ResourceError);
    assert.throws(
      () => validateGoldLayerArgs({ ...args, ownerGroups: { "Supply chain": "a", "supply-chain": "b" } }),
      /owner team "supply-chain" makes workgroup suffix "supply-chain", already used by "Supply chain"/,
    );
    assert.throws(
      () => validateGoldLayerArgs({ ...args, ownerGroups: { Operations: "a" } }),
      /owner team "Operations" makes workgroup suffix "operations", reserved for the layer's own workgroup/,
    );
    assert.throws(
      () => validateGoldLayerArgs({ ...args, views: [...args.views, ...args.views] }),
      /view retail_gold\.conversion_rate is listed twice/,
    );
    assert.throws(() => validateGoldLayerArgs({ ...args, linkedNamespaces: ["retail_gold"] }), /linked namespace "retail_gold"/);
  });
  it("KpiDataset: a SPICE KPI without a cadence or a window and a malformed refresh time are refused", () => {
    const kpi = {
      kpi: "conversion_rate",
      definition: "d",
      view: "conversion_rate",
      importMode: "SPICE" as const,
      spillToDirectQuery: true,
      stewardApproved: true,
      expectedRows: 10,
      eventTimeColumn: "day",
      source: "c.csv:2",
      sourceProducts: ["cart_events"],
    };
    assert.throws(
      () => validateKpiDatasetArgs({ kpi, spiceRowCap: 100, dailyRefreshTime: "04:30" }),
      /c\.csv:2\): a SPICE dataset needs a refresh cadence/,
    );
    assert.throws(
      () => validateKpiDatasetArgs({ kpi: { ...kpi, refresh: REFRESH_CADENCES.hourly }, spiceRowCap: 100, dailyRefreshTime: "04:30" }),
      /c\.csv:2\): a SPICE dataset needs a bounded refresh window, or each full refresh scans all of silver\. Fix: set refresh_window_days in the catalog\./,
    );
    assert.throws(
      () => validateKpiDatasetArgs({ kpi: { ...kpi, importMode: "DIRECT_QUERY" }, spiceRowCap: 100, dailyRefreshTime: "4:30" }),
      /dailyRefreshTime "4:30" must be HH:MM/,
    );
    assert.deepStrictEqual(validateKpiDatasetArgs({ kpi: { ...kpi, expectedRows: 101 }, spiceRowCap: 100, dailyRefreshTime: "04:30" }), {
      importMode: "DIRECT_QUERY",
      spilled: true,
    });
  });
});
