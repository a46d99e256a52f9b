import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "../infra/aws";
import { FreshnessKpi } from "../functions/freshness";
import { DEFAULT_WINDOW_HOURS, JobType } from "../functions/maintenance";
import { MergeSettings } from "../functions/merge";
import { ReconcileSettings } from "../functions/reconcile";
import { FreshnessSettings } from "../functions/freshness";
import { MaintenanceSettings } from "../functions/maintenance";
import { bundleHandlers, functionArchive, HANDLER } from "./operations/bundle";
import { loadSql } from "../core/sql/files";
import { SQL_DIR } from "../core/paths";
import { PlatformConfig } from "../infra/config";
import { BATCH_CADENCE_MINUTES } from "../core/lanes";
import { MERGE_TIMEOUT_SECONDS, mergeIntervalMinutes } from "../core/limits";
import { formatReconciles, TAG } from "../core/tags";
import { assumeRolePolicy, iamPolicy, Statement } from "./iam";
import { IcebergNamespace } from "./icebergNamespace";
import { NamespaceName } from "../core/namespaces";
import { slug } from "../core/names";
import { ENV, METRIC_NAMESPACE } from "../core/runtime";
import { bridgeUse, TableAccess, tableAccess } from "../core/sql/access";

/** Minutes between freshness runs. */
export const FRESHNESS_INTERVAL_MINUTES = 5;
/**
 * Extra minutes each merge re-reads behind its interval: Firehose may hold a record up to its 15-minute buffer
 * and retry delivery for 5 more, so a record stamped before a window's end can land after that window ran.
 */
export const LATE_ARRIVAL_MINUTES = 30;

export interface OperationsArgs {
  /** The lakehouse: table bucket, catalog and the tables the SQL reads and writes. */
  readonly lakehouse: Pick<
    IcebergNamespace,
    "tableBucketArn" | "tableBucketName" | "catalogArn" | "catalogId" | "kmsKeyArn" | "namespaces" | "tables" | "tableDefs"
  >;
  /** Encrypted SNS topic every alarm and handler alert goes to (the lead's, with the configured subscription). */
  readonly alarmTopicArn: pulumi.Input<string>;
  /** The platform KMS key: it encrypts the alarm topic and the salt secret, and here the failure queue. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /**
   * Athena workgroup the handlers query through (it enforces results location and the scan cutoff): GoldLayer's
   * operations workgroup. Its results must not be SSE-KMS, or Athena refuses the MERGE on S3 Tables; and since the
   * merge's query text carries the email-hash salt, no role outside this component may use it.
   */
  readonly athenaWorkgroupName: pulumi.Input<string>;
  readonly athenaWorkgroupArn: pulumi.Input<string>;
  /** Bucket the workgroup writes query results to, and the workgroup's prefix in it (e.g. `operations/`). */
  readonly athenaResultsBucketArn: pulumi.Input<string>;
  readonly athenaResultsPrefix: string;
  /** Secrets Manager secret holding the email-hash salt; only the merge function may read it. */
  readonly saltSecretArn: pulumi.Input<string>;
  /** Freshness budget in minutes per KPI (named as in the KPI catalog and sql/gold/<mode>/<kpi>.sql). */
  readonly kpiFreshnessBudgetMinutes: Readonly<Record<string, number>>;
  /** Glue job name per batch product (BatchLane's job): its successful runs trigger the product's merge. */
  readonly batchJobNames: Readonly<Record<string, pulumi.Input<string>>>;
  readonly config: Pick<PlatformConfig, "streams" | "batches" | "operations" | "goldChannelMode">;
  /** Hours each S3 Tables maintenance job may go without a run (default DEFAULT_WINDOW_HOURS). */
  readonly maintenanceWindowHours?: Partial<Record<JobType, number>>;
  /** Root of the SQL files (default the repository's sql/); tests point it at fixtures. */
  readonly sqlRoot?: string;
  readonly tags?: Record<string, string>;
}

/** What starts a product's merge: a schedule for streams, its Glue job's successful run for batch products. */
export type MergeTrigger = { readonly kind: "schedule"; readonly intervalMinutes: number } | { readonly kind: "glue-job-succeeded" };

/** What the handlers will run, worked out from the config and the SQL files before any resource exists. */
export interface OperationsPlan {
  readonly merges: { product: string; trigger: MergeTrigger; lookbackMinutes: number; sql: string }[];
  readonly bridgeSql: string;
  readonly reconcile: Record<string, string>;
  /** Reconcile files left out because they read a table this stack does not create. */
  readonly notReconciled: { table: string; missing: string[] }[];
  readonly freshness: Record<string, string>;
  readonly kpis: Record<string, FreshnessKpi>;
  readonly access: { merge: TableAccess; reconcile: TableAccess; freshness: TableAccess };
}

function sqlFiles(root: string, dir: string): Record<string, string> {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return {};
  return Object.fromEntries(
    fs
      .readdirSync(full)
      .filter((f) => f.endsWith(".sql"))
      .sort()
      .map((f) => [f.slice(0, -4), loadSql(path.join(dir, f), root)]),
  );
}

export class OperationsArgsError extends Error {}

/**
 * Read the SQL the handlers run and check it against the stack: every data product has a merge (and a batch
 * product the Glue job that triggers it), every table the merge or freshness SQL names exists, every budgeted KPI
 * has a gold view. Pure apart from reading files; throws one error listing every problem.
 */
export function planOperations(
  args: Pick<OperationsArgs, "config" | "kpiFreshnessBudgetMinutes" | "batchJobNames" | "sqlRoot">,
  existingTables: readonly string[],
): OperationsPlan {
  const root = args.sqlRoot ?? SQL_DIR;
  const problems: string[] = [];
  const exists = new Set(existingTables);
  const missingOf = (texts: string[]) => {
    const a = tableAccess(texts);
    return [...a.reads, ...a.writes].filter((t) => !exists.has(t));
  };

  const mergeSql = sqlFiles(root, "merge");
  const bridgeSql = sqlFiles(root, "bridge")["identity_bridge"];
  if (bridgeSql === undefined)
    problems.push(`sql/bridge/identity_bridge.sql is missing: the merge refreshes the bridge before each window. Fix: restore it.`);
  const mergeOf = (kind: string, product: string) => {
    const sql = mergeSql[product];
    if (sql === undefined)
      problems.push(`${kind} product "${product}" has no sql/merge/${product}.sql, so its silver table would never fill. Fix: add the merge file.`);
    return sql;
  };
  const merges: OperationsPlan["merges"] = [];
  for (const s of args.config.streams) {
    const sql = mergeOf("streaming", s.name);
    if (sql === undefined) continue;
    const intervalMinutes = mergeIntervalMinutes(s.freshnessMinutes);
    merges.push({ product: s.name, trigger: { kind: "schedule", intervalMinutes }, lookbackMinutes: intervalMinutes + LATE_ARRIVAL_MINUTES, sql });
  }
  for (const b of args.config.batches) {
    const sql = mergeOf("batch", b.name);
    if (!(b.name in args.batchJobNames)) {
      problems.push(`batch product "${b.name}" has no entry in batchJobNames, so nothing would start its merge. Fix: pass its BatchLane's job.name.`);
    }
    if (sql === undefined) continue;
    // The run's rows were stamped within its timeout before the success that triggers the merge. One cadence more
    // re-reads the previous run's rows: what a failed merge left in bronze, and rows stamped in the same minute as
    // that run's success, which the minute-truncated window end (functions/merge.ts) leaves to the next run.
    // Snapshot merges select whole snapshot days inside the window; a daily lane's lookback reaches yesterday's.
    merges.push({
      product: b.name,
      trigger: { kind: "glue-job-succeeded" },
      lookbackMinutes: BATCH_CADENCE_MINUTES[b.lane] + b.batch.timeoutMinutes,
      sql,
    });
  }
  for (const [file, text] of [["bridge/identity_bridge", bridgeSql ?? ""], ...merges.map((m) => [`merge/${m.product}`, m.sql])]) {
    const missing = missingOf([text]);
    if (missing.length > 0)
      problems.push(
        `sql/${file}.sql names ${missing.join(", ")}, which this stack does not create. Fix: add the product to retail:dataProducts, or change the SQL.`,
      );
  }

  const reconcile: Record<string, string> = {};
  const notReconciled: { table: string; missing: string[] }[] = [];
  for (const [table, text] of Object.entries(sqlFiles(root, "reconcile"))) {
    // A stack without some product (say no POS stream) has no bronze table for a reconcile file to count.
    const missing = missingOf([text]);
    if (missing.length > 0) notReconciled.push({ table, missing });
    else reconcile[table] = text;
  }

  if (formatReconciles(Object.keys(reconcile)).length > 256) {
    problems.push(`the ${TAG.reconciles} tag would exceed AWS's 256-character tag value. Fix: shorten table names, or split reconciliation.`);
  }

  const freshness = sqlFiles(root, "freshness");
  for (const [table, text] of Object.entries(freshness)) {
    const missing = missingOf([text]);
    if (missing.length > 0) problems.push(`sql/freshness/${table}.sql names ${missing.join(", ")}, which this stack does not create.`);
  }
  const gold = sqlFiles(root, path.join("gold", args.config.goldChannelMode));
  const kpis: Record<string, FreshnessKpi> = {};
  for (const [kpi, budgetMinutes] of Object.entries(args.kpiFreshnessBudgetMinutes)) {
    if (!(Number.isFinite(budgetMinutes) && budgetMinutes > 0)) {
      problems.push(`kpiFreshnessBudgetMinutes.${kpi} = ${budgetMinutes}: a budget is a positive number of minutes.`);
      continue;
    }
    const view = gold[kpi];
    if (view === undefined) {
      problems.push(
        `KPI "${kpi}" has a freshness budget but no sql/gold/${args.config.goldChannelMode}/${kpi}.sql. Fix: name the budget after the KPI's gold view.`,
      );
      continue;
    }
    const tables = tableAccess([view])
      .reads.filter((t) => t.startsWith("retail_silver."))
      .map((t) => t.slice("retail_silver.".length));
    const unmeasured = tables.filter((t) => freshness[t] === undefined);
    if (unmeasured.length > 0) {
      problems.push(
        `KPI "${kpi}" reads ${unmeasured.map((t) => `retail_silver.${t}`).join(", ")} but sql/freshness has no file for it. Fix: add sql/freshness/<table>.sql.`,
      );
      continue;
    }
    kpis[kpi] = { budgetMinutes, tables };
  }

  if (problems.length > 0) throw new OperationsArgsError(`Operations:\n  - ${problems.join("\n  - ")}`);
  return {
    merges,
    bridgeSql: bridgeSql!,
    reconcile,
    notReconciled,
    freshness,
    kpis,
    access: {
      merge: tableAccess([bridgeSql!, ...merges.map((m) => m.sql)]),
      reconcile: tableAccess(Object.values(reconcile)),
      freshness: tableAccess(Object.values(freshness)),
    },
  };
}

/** EventBridge Scheduler rate expression; the unit is singular for one. */
export function rateExpression(minutes: number): string {
  return `rate(${minutes} ${minutes === 1 ? "minute" : "minutes"})`;
}

/**
 * Operations for the lakehouse: the silver MERGE per data product (on a schedule for streams, when the Glue job
 * succeeds for batch products), daily source-vs-silver reconciliation, KPI freshness every five minutes and a
 * daily S3 Tables maintenance check, as inline Lambdas with one least-privilege role each, EventBridge Scheduler
 * schedules and rules, an encrypted failure queue, log groups with retention and alarms to the alarm topic.
 */
export class Operations extends pulumi.ComponentResource {
  public readonly plan: OperationsPlan;
  /** Silver tables the reconcile function counts (also its `retail:reconciles` tag). */
  public readonly reconciledTables: string[];
  public readonly functions: Record<"merge" | "reconcile" | "freshness" | "maintenance", aws.lambda.Function>;
  public readonly roles: Record<"merge" | "reconcile" | "freshness" | "maintenance", aws.iam.Role>;
  public readonly failureQueue: aws.sqs.Queue;
  public readonly schedules: Record<string, aws.scheduler.Schedule>;
  /** By batch product: the EventBridge rule that runs its merge when its Glue job succeeds. */
  public readonly mergeRules: Record<string, aws.cloudwatch.EventRule>;
  public readonly alarms: Record<string, aws.cloudwatch.MetricAlarm>;

  constructor(name: string, args: OperationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("retail:analytics:Operations", name, {}, opts);
    const { lakehouse, config, tags = {} } = args;
    const existing = Object.keys(lakehouse.tableDefs);
    this.plan = planOperations(args, existing);
    const plan = this.plan;
    for (const n of plan.notReconciled) {
      pulumi.log.warn(
        `Operations: retail_silver.${n.table} is not reconciled: sql/reconcile/${n.table}.sql reads ${n.missing.join(", ")}, which this stack does not create.`,
        this,
      );
    }
    this.reconciledTables = Object.keys(plan.reconcile);
    const opsTags = { ...tags, [TAG.component]: "Operations" };
    const parent = { parent: this };

    const identity = aws.getCallerIdentityOutput({}, parent);
    const region = aws.getRegionOutput({}, parent);
    const glue = pulumi.interpolate`arn:aws:glue:${region.region}:${identity.accountId}`;
    const catalogTables = (fq: readonly string[]) =>
      fq.map((t) => {
        const [ns, table] = t.split(".");
        return pulumi.interpolate`${glue}:table/s3tablescatalog/${lakehouse.tableBucketName}/${ns}/${table}`;
      });
    const catalogDatabases = (fq: readonly string[]) =>
      [...new Set(fq.map((t) => t.split(".")[0]))].map(
        (ns) => pulumi.interpolate`${glue}:database/s3tablescatalog/${lakehouse.tableBucketName}/${ns}`,
      );

    this.failureQueue = new aws.sqs.Queue(
      `${name}-failures`,
      { kmsMasterKeyId: args.kmsKeyArn, kmsDataKeyReusePeriodSeconds: 3600, messageRetentionSeconds: 14 * 86400, tags: opsTags },
      parent,
    );

    const common = (logGroup: aws.cloudwatch.LogGroup): pulumi.Input<Statement>[] => [
      {
        Sid: "Logs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [pulumi.interpolate`${logGroup.arn}:log-stream:*`],
      },
      {
        // PutMetricData has no resource-level permissions; the condition pins it to our namespace.
        Sid: "Metrics",
        Effect: "Allow",
        Action: ["cloudwatch:PutMetricData"],
        Resource: ["*"],
        Condition: { StringEquals: { "cloudwatch:namespace": METRIC_NAMESPACE } },
      },
      { Sid: "Alert", Effect: "Allow", Action: ["sns:Publish"], Resource: [args.alarmTopicArn] },
      { Sid: "FailureDestination", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [this.failureQueue.arn] },
      // The alarm topic, the failure queue and the salt secret are encrypted with the platform key.
      { Sid: "PlatformKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [args.kmsKeyArn] },
    ];
    const athena = (access: TableAccess): pulumi.Input<Statement>[] => {
      const all = [...access.reads, ...access.writes];
      return [
        {
          Sid: "AthenaQueries",
          Effect: "Allow",
          Action: ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:StopQueryExecution"],
          Resource: [args.athenaWorkgroupArn],
        },
        { Sid: "AthenaResultsBucket", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucket"], Resource: [args.athenaResultsBucketArn] },
        {
          // Only the workgroup's own prefix: the other workgroups' results (KPI rows) are not ours to read.
          Sid: "AthenaResults",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
          Resource: [pulumi.interpolate`${args.athenaResultsBucketArn}/${args.athenaResultsPrefix}*`],
        },
        {
          Sid: "CatalogRead",
          Effect: "Allow",
          Action: ["glue:GetCatalog", "glue:GetDatabase", "glue:GetTable"],
          Resource: [
            pulumi.interpolate`${glue}:catalog`,
            pulumi.interpolate`${glue}:catalog/s3tablescatalog`,
            lakehouse.catalogArn,
            ...catalogDatabases(all),
            ...catalogTables(all),
          ],
        },
        ...(access.writes.length > 0
          ? [{ Sid: "CatalogCommit", Effect: "Allow" as const, Action: ["glue:UpdateTable"], Resource: catalogTables(access.writes) }]
          : []),
        {
          // Lake Formation vends the table credentials; GetDataAccess has no resource-level scoping.
          Sid: "LakeFormationCredentials",
          Effect: "Allow",
          Action: ["lakeformation:GetDataAccess"],
          Resource: ["*"],
        },
        { Sid: "TableBucketKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [lakehouse.kmsKeyArn] },
      ];
    };

    const tableResource = (fq: string) => lakehouse.tables[fq];
    const grants = (fn: string, role: aws.iam.Role, access: TableAccess): pulumi.Resource[] => {
      const catalogId = lakehouse.catalogId;
      const namespaces = [...new Set([...access.reads, ...access.writes].map((t) => t.split(".")[0]))];
      const grant = (suffix: string, permissions: string[], target: Partial<aws.lakeformation.PermissionsArgs>, dependsOn: pulumi.Resource[]) =>
        new aws.lakeformation.Permissions(`${name}-${fn}-${suffix}`, { principal: role.arn, permissions, ...target }, { parent: this, dependsOn });
      return [
        ...namespaces.map((ns) => grant(ns, ["DESCRIBE"], { database: { catalogId, name: lakehouse.namespaces[ns as NamespaceName] } }, [])),
        ...access.reads.map((t) => {
          const [ns, table] = t.split(".");
          return grant(t, ["SELECT", "DESCRIBE"], { table: { catalogId, databaseName: ns, name: table } }, [tableResource(t)]);
        }),
        // Athena commits an Iceberg MERGE through Lake Formation, which needs ALL on the target, as Firehose does.
        ...access.writes.map((t) => {
          const [ns, table] = t.split(".");
          return grant(t, ["ALL"], { table: { catalogId, databaseName: ns, name: table } }, [tableResource(t)]);
        }),
      ];
    };

    const logGroups: Record<string, aws.cloudwatch.LogGroup> = {};
    const roles: Partial<Record<keyof Operations["functions"], aws.iam.Role>> = {};
    const bundles = bundleHandlers();
    const lambda = (
      fn: keyof Operations["functions"],
      handlerSettings: unknown,
      statements: (lg: aws.cloudwatch.LogGroup) => pulumi.Input<Statement>[],
      settings: {
        timeout: number;
        /** How long an invocation may wait for its turn (reserved concurrency 1) before it counts as failed. */
        maxEventAgeSeconds: number;
        environment: Record<string, pulumi.Input<string>>;
        grantsFor?: TableAccess;
        tags?: Record<string, string>;
      },
    ) => {
      const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-${fn}`,
        { name: `/retail/operations/${name}-${fn}`, retentionInDays: config.operations.logRetentionDays, tags: opsTags },
        parent,
      );
      logGroups[fn] = logGroup;
      const role = new aws.iam.Role(`${name}-${fn}`, { assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com"), tags: opsTags }, parent);
      roles[fn] = role;
      const policy = new aws.iam.RolePolicy(`${name}-${fn}`, { role: role.id, policy: iamPolicy(statements(logGroup)) }, parent);
      const lfGrants = settings.grantsFor ? grants(fn, role, settings.grantsFor) : [];
      const f = new aws.lambda.Function(
        `${name}-${fn}`,
        {
          code: functionArchive(
            bundles.then((b) => b[fn]),
            handlerSettings,
          ),
          handler: HANDLER,
          role: role.arn,
          runtime: aws.lambda.Runtime.NodeJS22dX,
          architectures: ["arm64"],
          memorySize: 256,
          timeout: settings.timeout,
          // One run at a time: a schedule firing while a run is still going is queued by Lambda, not run beside it.
          reservedConcurrentExecutions: 1,
          environment: { variables: settings.environment },
          loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
          tags: { ...opsTags, ...settings.tags },
        },
        { parent: this, dependsOn: [policy, logGroup, ...lfGrants] },
      );
      new aws.lambda.FunctionEventInvokeConfig(
        `${name}-${fn}`,
        {
          functionName: f.name,
          maximumRetryAttempts: 2,
          maximumEventAgeInSeconds: settings.maxEventAgeSeconds,
          destinationConfig: { onFailure: { destination: this.failureQueue.arn } },
        },
        parent,
      );
      return f;
    };

    const queryEnv = (deadlineSeconds: number) => ({
      [ENV.workGroup]: args.athenaWorkgroupName,
      [ENV.catalog]: pulumi.interpolate`s3tablescatalog/${lakehouse.tableBucketName}`,
      [ENV.queryDeadlineMs]: String(deadlineSeconds * 1000),
      [ENV.topicArn]: args.alarmTopicArn,
    });

    // Shipped as each function's settings.json: the SQL texts alone exceed Lambda's 4 KB of environment variables.
    const mergeSettings: MergeSettings = {
      products: Object.fromEntries(
        plan.merges.map((m) => [
          m.product,
          { sql: m.sql, lookbackMinutes: m.lookbackMinutes, refreshesBridge: bridgeUse(m.product, m.sql, plan.bridgeSql) },
        ]),
      ),
      bridgeSql: plan.bridgeSql,
    };
    const reconcileSettings: ReconcileSettings = { tables: plan.reconcile, tolerance: config.operations.reconcileTolerance };
    const freshnessSettings: FreshnessSettings = { tables: plan.freshness, kpis: plan.kpis, intervalMinutes: FRESHNESS_INTERVAL_MINUTES };
    const maintenanceSettings: Omit<MaintenanceSettings, "tableBucketArn"> = {
      tables: existing,
      windowHours: { ...DEFAULT_WINDOW_HOURS, ...args.maintenanceWindowHours } as Record<JobType, number>,
    };
    const maintenanceTableArns = existing.map((t) => lakehouse.tables[t].tableArn as pulumi.Output<string>);

    const merge = lambda(
      "merge",
      mergeSettings,
      (lg) => [
        ...common(lg),
        ...athena(plan.access.merge),
        { Sid: "EmailSalt", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [args.saltSecretArn] },
      ],
      {
        timeout: MERGE_TIMEOUT_SECONDS,
        // Merges that wait longer than this are not keeping up with their schedules: fail them into the queue, whose
        // alarm says so, rather than letting a backlog grow silently. A later run re-reads their windows anyway.
        maxEventAgeSeconds: 900,
        environment: { ...queryEnv(MERGE_TIMEOUT_SECONDS - 15), [ENV.saltSecretArn]: args.saltSecretArn },
        grantsFor: plan.access.merge,
      },
    );
    const reconcile = lambda("reconcile", reconcileSettings, (lg) => [...common(lg), ...athena(plan.access.reconcile)], {
      timeout: 900,
      maxEventAgeSeconds: 3600,
      environment: queryEnv(120),
      grantsFor: plan.access.reconcile,
      tags: { [TAG.reconciles]: formatReconciles(this.reconciledTables) },
    });
    const freshness = lambda("freshness", freshnessSettings, (lg) => [...common(lg), ...athena(plan.access.freshness)], {
      timeout: 240,
      maxEventAgeSeconds: 600,
      environment: queryEnv(60),
      grantsFor: plan.access.freshness,
    });
    const maintenance = lambda(
      "maintenance",
      maintenanceSettings,
      (lg) => [
        ...common(lg),
        {
          Sid: "MaintenanceStatus",
          Effect: "Allow",
          Action: ["s3tables:GetTableMaintenanceJobStatus", "s3tables:GetTable"],
          Resource: maintenanceTableArns,
        },
      ],
      {
        timeout: 120,
        maxEventAgeSeconds: 3600,
        environment: { [ENV.topicArn]: args.alarmTopicArn, [ENV.tableBucketArn]: lakehouse.tableBucketArn },
      },
    );
    this.functions = { merge, reconcile, freshness, maintenance };
    this.roles = roles as Operations["roles"];

    const schedulerRole = new aws.iam.Role(
      `${name}-scheduler`,
      { assumeRolePolicy: assumeRolePolicy("scheduler.amazonaws.com"), tags: opsTags },
      parent,
    );
    const schedulerPolicy = new aws.iam.RolePolicy(
      `${name}-scheduler`,
      {
        role: schedulerRole.id,
        policy: iamPolicy([
          { Sid: "Invoke", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: Object.values(this.functions).map((f) => f.arn) },
          { Sid: "DeadLetter", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [this.failureQueue.arn] },
          { Sid: "PlatformKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [args.kmsKeyArn] },
        ]),
      },
      parent,
    );
    const schedule = (key: string, fn: aws.lambda.Function, expression: string, description: string, input?: string) =>
      new aws.scheduler.Schedule(
        `${name}-${key}`,
        {
          description,
          scheduleExpression: expression,
          scheduleExpressionTimezone: "UTC",
          flexibleTimeWindow: { mode: "OFF" },
          target: {
            arn: fn.arn,
            roleArn: schedulerRole.arn,
            ...(input !== undefined ? { input } : {}),
            retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
            deadLetterConfig: { arn: this.failureQueue.arn },
          },
        },
        { parent: this, dependsOn: [schedulerPolicy] },
      );
    const reconcileHour = config.operations.reconcileHourUtc;
    const scheduledMerges = plan.merges.flatMap((m) => (m.trigger.kind === "schedule" ? [{ ...m, intervalMinutes: m.trigger.intervalMinutes }] : []));
    this.schedules = {
      ...Object.fromEntries(
        scheduledMerges.map((m) => [
          `merge-${m.product}`,
          schedule(
            `merge-${slug(m.product)}`,
            merge,
            rateExpression(m.intervalMinutes),
            `Silver MERGE of ${m.product}: half its freshness need, re-reading ${m.lookbackMinutes} min of bronze`,
            // The fire time makes a retried run merge exactly the window it was scheduled for.
            JSON.stringify({ product: m.product, scheduledTime: "<aws.scheduler.scheduled-time>" }),
          ),
        ]),
      ),
      reconcile: schedule("reconcile", reconcile, `cron(0 ${reconcileHour} * * ? *)`, "Daily source-vs-silver reconciliation of yesterday (UTC)"),
      freshness: schedule("freshness", freshness, rateExpression(FRESHNESS_INTERVAL_MINUTES), "KPI freshness against budget"),
      maintenance: schedule("maintenance", maintenance, `cron(30 ${reconcileHour} * * ? *)`, "S3 Tables maintenance job status"),
    };

    // A batch product's merge waits for its data, not for a clock: Glue reports each job run's state to EventBridge,
    // and a SUCCEEDED run of the product's job invokes the merge with the event's time as the window end.
    this.mergeRules = {};
    for (const m of plan.merges.filter((m) => m.trigger.kind === "glue-job-succeeded")) {
      const key = `${name}-merge-${slug(m.product)}`;
      const rule = new aws.cloudwatch.EventRule(
        key,
        {
          description: `Silver MERGE of ${m.product} when its Glue job run succeeds, re-reading ${m.lookbackMinutes} min of bronze`,
          eventPattern: pulumi.jsonStringify({
            source: ["aws.glue"],
            "detail-type": ["Glue Job State Change"],
            detail: { jobName: [args.batchJobNames[m.product]], state: ["SUCCEEDED"] },
          }),
          tags: opsTags,
        },
        parent,
      );
      const permission = new aws.lambda.Permission(
        key,
        { action: "lambda:InvokeFunction", function: merge.name, principal: "events.amazonaws.com", sourceArn: rule.arn },
        parent,
      );
      new aws.cloudwatch.EventTarget(
        key,
        {
          rule: rule.name,
          arn: merge.arn,
          // The same event shape the schedules send; a redelivered event re-merges exactly the same window.
          inputTransformer: { inputPaths: { time: "$.time" }, inputTemplate: JSON.stringify({ product: m.product, scheduledTime: "<time>" }) },
          retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
          deadLetterConfig: { arn: this.failureQueue.arn },
        },
        { parent: this, dependsOn: [permission] },
      );
      this.mergeRules[m.product] = rule;
    }
    const rules = Object.values(this.mergeRules);
    if (rules.length > 0) {
      // EventBridge dead-letters with a queue policy, not a role; scoped to our rules (the queue's key allows EventBridge).
      new aws.sqs.QueuePolicy(
        `${name}-failures`,
        {
          queueUrl: this.failureQueue.url,
          policy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "MergeRuleDeadLetters",
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sqs:SendMessage",
                Resource: this.failureQueue.arn,
                Condition: { ArnEquals: { "aws:SourceArn": rules.map((r) => r.arn) } },
              },
            ],
          }),
        },
        parent,
      );
    }

    const alarm = (key: string, a: Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions" | "tags">) =>
      new aws.cloudwatch.MetricAlarm(
        `${name}-${key}`,
        { ...a, alarmActions: [args.alarmTopicArn], okActions: [args.alarmTopicArn], tags: opsTags },
        parent,
      );
    const lambdaErrors = (fn: keyof Operations["functions"], evaluationPeriods: number, what: string) =>
      alarm(`${fn}-errors`, {
        alarmDescription: `${what} See README, Operations.`,
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: this.functions[fn].name },
        statistic: "Sum",
        period: 300,
        evaluationPeriods,
        datapointsToAlarm: evaluationPeriods,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      });
    this.alarms = {
      "merge-errors": lambdaErrors("merge", 2, "Silver MERGE has failed for 10 minutes: KPIs are going stale."),
      "reconcile-errors": lambdaErrors("reconcile", 1, "Reconciliation could not count at least one table; the SNS message lists which."),
      "freshness-errors": lambdaErrors("freshness", 2, "The freshness check cannot read silver: KPI staleness is not being measured."),
      "maintenance-errors": lambdaErrors("maintenance", 1, "The S3 Tables maintenance status could not be read for at least one table."),
      "failed-runs": alarm("failed-runs", {
        alarmDescription:
          "A scheduled run failed after its retries (or could not be delivered) and sits in the failure queue. See README, Operations.",
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: this.failureQueue.name },
        statistic: "Maximum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      }),
      "table-maintenance": alarm("table-maintenance", {
        alarmDescription:
          "An S3 Tables maintenance job failed, is disabled or is overdue; the SNS message names table and job. See README, Operations.",
        namespace: METRIC_NAMESPACE,
        metricName: "MaintenanceProblems",
        statistic: "Maximum",
        period: 3600,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      }),
      ...Object.fromEntries(
        this.reconciledTables.map((table) => [
          `drift-${table}`,
          alarm(`drift-${slug(table)}`, {
            alarmDescription: `retail_silver.${table}: source and silver row counts differ by more than ${config.operations.reconcileTolerance * 100} %. See README, Operations.`,
            namespace: METRIC_NAMESPACE,
            metricName: "DriftRatio",
            dimensions: { Table: table },
            statistic: "Maximum",
            period: 3600,
            evaluationPeriods: 1,
            threshold: config.operations.reconcileTolerance,
            comparisonOperator: "GreaterThanThreshold",
            treatMissingData: "notBreaching",
          }),
        ]),
      ),
      ...Object.fromEntries(
        Object.entries(plan.kpis).map(([kpi, k]) => [
          `staleness-${kpi}`,
          alarm(`staleness-${slug(kpi)}`, {
            alarmDescription: `${kpi} is staler than its ${k.budgetMinutes}-min budget (inputs: ${k.tables.join(", ")}). See README, Operations.`,
            namespace: METRIC_NAMESPACE,
            metricName: "StalenessMinutes",
            dimensions: { Kpi: kpi },
            statistic: "Maximum",
            period: FRESHNESS_INTERVAL_MINUTES * 60,
            evaluationPeriods: 2,
            datapointsToAlarm: 2,
            threshold: k.budgetMinutes,
            comparisonOperator: "GreaterThanThreshold",
            // No datapoint means the KPI could not be measured (empty input, failed check): not provably fresh.
            treatMissingData: "breaching",
          }),
        ]),
      ),
    };

    this.registerOutputs({
      functionNames: Object.fromEntries(Object.entries(this.functions).map(([k, f]) => [k, f.name])),
      failureQueueArn: this.failureQueue.arn,
      reconciledTables: this.reconciledTables,
      mergeRules: Object.fromEntries(Object.entries(this.mergeRules).map(([product, rule]) => [product, rule.name])),
      logGroups: Object.fromEntries(Object.entries(logGroups).map(([k, lg]) => [k, lg.name])),
    });
  }
}

/** Build Operations under `parent` (the program's pattern for components made from config). */
export function buildOperations(name: string, args: OperationsArgs, parent?: pulumi.Resource): Operations {
  return new Operations(name, args, parent ? { parent } : undefined);
}
