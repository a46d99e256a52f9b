import * as pulumi from "@pulumi/pulumi";
import * as aws from "../aws";
import { FreshnessSettings } from "../../functions/freshness";
import { DEFAULT_WINDOW_HOURS, JobType } from "../../functions/maintenance";
import type { MaintenanceEntrySettings } from "../../functions/lambda";
import { ACCOUNTING_FILE, ReconcileSettings } from "../../functions/reconcile";
import { iamPolicy } from "../iam";
import { MERGE_MAX_EVENT_AGE_SECONDS, MERGE_TIMEOUT_SECONDS } from "../../core/limits";
import { ENV } from "../../core/runtime";
import { formatReconciles, TAG } from "../../core/tags";
import type { EmailSalt } from "../emailSalt";
import { IcebergNamespace } from "../icebergNamespace";
import { operationsAlarms } from "./alarms";
import { AwsAccount } from "../account";
import type { QueryWorkgroup } from "../gold/workgroups";
import { bundleHandlers, FunctionName, OperationsFunctions } from "./bundle";
import { operationsFunction, OperationsFunctionSettings } from "./function";
import { BRIDGE_COVERAGE_WINDOW_MINUTES, FRESHNESS_INTERVAL_MINUTES, OperationsArgsError, OperationsPlan, PlanInputs, planOperations } from "./plan";
import { BACKFILL_CHECK_QUERY_SECONDS, BACKFILL_TIMEOUT_SECONDS, backfillSettingsOf, mergeSettingsOf } from "./settings";
import { operationsTriggers } from "./triggers";

export { FRESHNESS_INTERVAL_MINUTES, LATE_ARRIVAL_MINUTES, OperationsArgsError, planOperations } from "./plan";
export type { GoldChannelMode, MergeTrigger, OperationsPlan, OperationsProduct, PlanInputs } from "./plan";
export { rateExpression } from "./triggers";

export interface OperationsArgs extends PlanInputs {
  /** The account, region and partition the stack runs in (the program looks them up once). */
  readonly account: AwsAccount;
  /** The lakehouse: table bucket, catalog and the tables the SQL reads and writes. */
  readonly lakehouse: Pick<IcebergNamespace, "tableBucketArn" | "tableBucketName" | "tables" | "tableDefs" | "grantQuery">;
  /** Encrypted SNS topic every alarm and handler alert goes to (the lead's, with the configured subscription). */
  readonly alarmTopicArn: pulumi.Input<string>;
  /** The platform KMS key: it encrypts the alarm topic and the salt, and here the failure queue. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /**
   * Athena workgroup the handlers query through (it enforces results location and the scan cutoff): GoldLayer's
   * operations workgroup. Its results must not be SSE-KMS, or Athena refuses the MERGE on S3 Tables.
   */
  readonly workgroup: QueryWorkgroup;
  /** SPICE datasets (by KPI) the erase function re-ingests after removing a member, so dashboards drop their rows. */
  readonly spiceDatasets?: Readonly<Record<string, { readonly id: pulumi.Input<string>; readonly arn: pulumi.Input<string> }>>;
  /** The email-hash salt table the merge SQL reads; only the merge function is granted it. */
  readonly emailSalt: Pick<EmailSalt, "grantRead">;
  /** Glue job name per batch product (BatchLane's job): its successful runs trigger the product's merge. */
  readonly batchJobNames: Readonly<Record<string, pulumi.Input<string>>>;
  /** Share of purchases with a resolved loyalty_id below which bridge coverage alarms. */
  readonly bridgeCoverageMin: number;
  /** Daily reconciliation: the drift ratio that alarms and the hour (UTC) it runs. */
  readonly reconcile: { readonly tolerance: number; readonly hourUtc: number };
  /** Days the functions' logs are kept. */
  readonly logRetentionDays: number;
  /**
   * The freshness canary, when enabled: its round interval and the streams it puts on (name and ARN by product).
   * Absent, no canary runs and measured freshness is neither computed nor alarmed.
   */
  readonly canary?: {
    readonly intervalMinutes: number;
    readonly streams: Readonly<Record<string, { readonly name: pulumi.Input<string>; readonly arn: pulumi.Input<string> }>>;
  };
  /** Hours each S3 Tables maintenance job may go without a run (default DEFAULT_WINDOW_HOURS). */
  readonly maintenanceWindowHours?: Partial<Record<JobType, number>>;
  /** retail:privacy.rawEmailRetentionDays: the maintenance function scrubs bronze emails older than this, daily. */
  readonly rawEmailRetentionDays: number;
  /** retail:operations.reresolveHorizonDays: how far back (event time) the merge re-resolves rows after a bridge change. */
  readonly reresolveHorizonDays: number;
  readonly tags?: Record<string, string>;
}

/** The plan, its problems reported against the component. */
function planned(args: OperationsArgs, existing: readonly string[], component: pulumi.Resource): OperationsPlan {
  try {
    return planOperations({ ...args, canaryIntervalMinutes: args.canary?.intervalMinutes }, existing);
  } catch (e) {
    if (e instanceof OperationsArgsError) throw new pulumi.ResourceError(e.message, component);
    throw e;
  }
}

/**
 * Operations for the lakehouse: the silver MERGE per data product (on a schedule for streams, when the Glue job
 * succeeds for batch products), daily source-vs-silver reconciliation, KPI freshness every five minutes and a
 * daily S3 Tables maintenance check, as bundled Lambdas with one least-privilege role each, EventBridge Scheduler
 * schedules and rules, an encrypted failure queue, log groups with retention and alarms to the alarm topic.
 */
export class Operations extends pulumi.ComponentResource {
  public readonly plan: OperationsPlan;
  /** Silver tables the reconcile function counts (also its `retail:reconciles` tag). */
  public readonly reconciledTables: string[];
  public readonly functions: OperationsFunctions<aws.lambda.Function>;
  public readonly roles: OperationsFunctions<aws.iam.Role>;
  public readonly failureQueue: aws.sqs.Queue;
  public readonly schedules: Record<string, aws.scheduler.Schedule>;
  /** By batch product: the EventBridge rule that runs its merge when its Glue job succeeds. */
  public readonly mergeRules: Record<string, aws.cloudwatch.EventRule>;
  public readonly alarms: Record<string, aws.cloudwatch.MetricAlarm>;

  constructor(name: string, args: OperationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("retail:analytics:Operations", name, {}, opts);
    const { lakehouse, tags = {} } = args;
    const existing = Object.keys(lakehouse.tableDefs);
    this.plan = planned(args, existing, this);
    const plan = this.plan;
    for (const n of plan.notReconciled) {
      pulumi.log.warn(
        `Operations: retail_silver.${n.table} is not reconciled: sql/reconcile/${n.table}.sql reads ${n.missing.join(", ")}, which this stack does not create.`,
        this,
      );
    }
    // The accounting file counts bronze products, not one silver table: it is not a retail:reconciles entry.
    this.reconciledTables = Object.keys(plan.reconcile).filter((t) => t !== ACCOUNTING_FILE);
    const opsTags = { ...tags, [TAG.component]: "Operations" };
    const parent = { parent: this };

    this.failureQueue = new aws.sqs.Queue(
      `${name}-failures`,
      { kmsMasterKeyId: args.kmsKeyArn, kmsDataKeyReusePeriodSeconds: 3600, messageRetentionSeconds: 14 * 86400, tags: opsTags },
      parent,
    );
    const scope = { args, failureQueueArn: this.failureQueue.arn, logRetentionDays: args.logRetentionDays, tags: opsTags };
    const bundles = bundleHandlers();
    const made: Partial<Record<FunctionName, ReturnType<typeof operationsFunction>>> = {};
    const lambda = (fn: FunctionName, settings: OperationsFunctionSettings) => {
      made[fn] = operationsFunction(
        name,
        fn,
        bundles.then((b) => b[fn]),
        scope,
        settings,
        this,
      );
      return made[fn].function;
    };

    const queryEnv = (deadlineSeconds: number) => ({
      [ENV.workGroup]: args.workgroup.name,
      [ENV.catalog]: pulumi.interpolate`s3tablescatalog/${lakehouse.tableBucketName}`,
      [ENV.queryDeadlineMs]: String(deadlineSeconds * 1000),
      [ENV.topicArn]: args.alarmTopicArn,
    });

    // Shipped as each function's settings.json: the SQL texts alone exceed Lambda's 4 KB of environment variables.
    const mergeSettings = mergeSettingsOf(plan, args.reresolveHorizonDays);
    const reconcileSettings: ReconcileSettings = { tables: plan.reconcile, tolerance: args.reconcile.tolerance };
    const freshnessSettings: FreshnessSettings = {
      tables: plan.freshness,
      kpis: plan.kpis,
      intervalMinutes: FRESHNESS_INTERVAL_MINUTES,
      ...(plan.canary ? { canary: plan.canary } : {}),
      bridgeCoverage: { sql: plan.bridgeCoverageSql, windowMinutes: BRIDGE_COVERAGE_WINDOW_MINUTES },
    };
    const spiceKpis = Object.values(plan.canary?.kpis ?? {}).some((k) => k.dataSetId !== undefined);
    const maintenanceSettings: MaintenanceEntrySettings = {
      tables: existing,
      windowHours: { ...DEFAULT_WINDOW_HOURS, ...args.maintenanceWindowHours } as Record<JobType, number>,
      retention: { statements: plan.retention, retentionDays: args.rawEmailRetentionDays },
    };
    const canaryFunction = (c: NonNullable<OperationsArgs["canary"]>) => {
      const products = Object.keys(c.streams).sort();
      return lambda("canary", {
        handlerSettings: {},
        statements: [{ Sid: "CanaryPut", Effect: "Allow", Action: ["kinesis:PutRecord"], Resource: products.map((p) => c.streams[p].arn) }],
        timeout: 30,
        // A round older than the next one measures nothing new.
        maxEventAgeSeconds: c.intervalMinutes * 60,
        // Stream names exist only once the streams do: the environment, unlike the settings file, takes outputs.
        environment: {
          [ENV.topicArn]: args.alarmTopicArn,
          [ENV.canaryStreams]: pulumi.jsonStringify(Object.fromEntries(products.map((p) => [p, c.streams[p].name]))),
        },
      });
    };
    const maintenanceTableArns = existing.map((t) => lakehouse.tables[t].tableArn as pulumi.Output<string>);

    const merge = lambda("merge", {
      handlerSettings: mergeSettings,
      query: plan.access.merge,
      grant: (key, principal, parent) => args.emailSalt.grantRead(key, principal, parent),
      timeout: MERGE_TIMEOUT_SECONDS,
      // Merges that wait longer than this are not keeping up with their schedules: fail them into the queue, whose
      // alarm says so, rather than letting a backlog grow silently. A later run re-reads their windows anyway.
      maxEventAgeSeconds: MERGE_MAX_EVENT_AGE_SECONDS,
      environment: queryEnv(MERGE_TIMEOUT_SECONDS - 15),
    });
    const reconcile = lambda("reconcile", {
      handlerSettings: reconcileSettings,
      query: plan.access.reconcile,
      timeout: 900,
      maxEventAgeSeconds: 3600,
      environment: queryEnv(120),
      tags: { [TAG.reconciles]: formatReconciles(this.reconciledTables) },
    });
    const freshness = lambda("freshness", {
      handlerSettings: freshnessSettings,
      query: plan.access.freshness,
      // ListIngestions has no resource-level permissions (the IAM reference lists no resource type for it), so "*" is
      // the only Resource it takes; it returns ingestion status and times, no data.
      statements: spiceKpis ? [{ Sid: "SpiceIngestions", Effect: "Allow", Action: ["quicksight:ListIngestions"], Resource: ["*"] }] : [],
      timeout: 240,
      maxEventAgeSeconds: 600,
      environment: { ...queryEnv(60), ...(spiceKpis ? { [ENV.awsAccountId]: args.account.accountId } : {}) },
    });
    // The daily maintenance run also scrubs raw emails past their retention: it runs once a day already, and the
    // erase function is an operator's (the scheduler may not invoke it). Its Athena access is the UPDATEs' tables only.
    const maintenance = lambda("maintenance", {
      handlerSettings: maintenanceSettings,
      ...(plan.retention.length > 0 ? { query: plan.access.retention } : {}),
      statements: [
        {
          Sid: "MaintenanceStatus",
          Effect: "Allow",
          Action: ["s3tables:GetTableMaintenanceJobStatus", "s3tables:GetTable"],
          Resource: maintenanceTableArns,
        },
      ],
      // Up to three UPDATEs over bronze, then the status reads.
      timeout: plan.retention.length > 0 ? 900 : 120,
      maxEventAgeSeconds: 3600,
      environment: {
        ...(plan.retention.length > 0 ? queryEnv(270) : {}),
        [ENV.topicArn]: args.alarmTopicArn,
        [ENV.tableBucketArn]: lakehouse.tableBucketArn,
      },
    });
    const spice = Object.keys(args.spiceDatasets ?? {})
      .sort()
      .map((kpi) => args.spiceDatasets![kpi]);
    // Run by an operator for a right-to-delete request, never on a schedule: the scheduler may not invoke it.
    const erase = lambda("erase", {
      handlerSettings: { statements: plan.erasure },
      query: plan.access.erase,
      queryWrites: "delete",
      grant: (key, principal, parent) => args.emailSalt.grantRead(key, principal, parent),
      statements: spice.length
        ? [
            {
              Sid: "ReingestSpice",
              Effect: "Allow",
              Action: ["quicksight:CreateIngestion"],
              Resource: spice.map((d) => pulumi.interpolate`${d.arn}/ingestion/*`),
            },
          ]
        : [],
      timeout: 900,
      maxEventAgeSeconds: 3600,
      environment: {
        ...queryEnv(840),
        [ENV.spiceDatasetIds]: pulumi.jsonStringify(spice.map((d) => d.id)),
        [ENV.awsAccountId]: args.account.accountId,
      },
    });
    // An operator's replay of bronze through the merge function (never scheduled): it takes turns with the scheduled
    // merges on the merge's one slot, and reads only what its switch-back checks count.
    const backfillSettings = backfillSettingsOf(plan, args);
    const backfill = lambda("backfill", {
      handlerSettings: backfillSettings,
      query: plan.access.backfill,
      statements: [{ Sid: "InvokeMerge", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [merge.arn] }],
      timeout: BACKFILL_TIMEOUT_SECONDS,
      // Not retried: a refused event or a window that timed out in the merge would fail the same way again, holding the
      // merge's one slot each time; it goes to the failure queue at once, and the operator resumes from its cursor.
      retryAttempts: 0,
      // Its hand-over waits only for the invocation that sent it (concurrency 1), or for another run's turn.
      maxEventAgeSeconds: 3600,
      environment: { ...queryEnv(BACKFILL_CHECK_QUERY_SECONDS), [ENV.mergeFunctionName]: merge.name },
    });
    // Invoking itself needs its own ARN, which exists only once the function does: a policy of its own, made after it.
    new aws.iam.RolePolicy(
      `${name}-backfill-continue`,
      {
        role: made.backfill!.role.id,
        policy: iamPolicy([{ Sid: "ContinueItself", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [backfill.arn] }]),
      },
      parent,
    );
    const canary = args.canary && canaryFunction(args.canary);
    this.functions = { merge, reconcile, freshness, maintenance, erase, backfill, ...(canary ? { canary } : {}) };
    const byFunction = made as OperationsFunctions<ReturnType<typeof operationsFunction>>;
    this.roles = {
      merge: byFunction.merge.role,
      reconcile: byFunction.reconcile.role,
      freshness: byFunction.freshness.role,
      maintenance: byFunction.maintenance.role,
      erase: byFunction.erase.role,
      backfill: byFunction.backfill.role,
      ...(byFunction.canary ? { canary: byFunction.canary.role } : {}),
    };

    const triggers = operationsTriggers(
      name,
      {
        plan,
        functions: { merge, reconcile, freshness, maintenance, ...(canary ? { canary } : {}) },
        failureQueue: this.failureQueue,
        kmsKeyArn: args.kmsKeyArn,
        batchJobNames: args.batchJobNames,
        reconcileHourUtc: args.reconcile.hourUtc,
        canaryIntervalMinutes: args.canary?.intervalMinutes,
        account: args.account,
        tags: opsTags,
      },
      this,
    );
    this.schedules = triggers.schedules;
    this.mergeRules = triggers.mergeRules;
    this.alarms = operationsAlarms(
      name,
      {
        plan,
        functions: this.functions,
        failureQueue: this.failureQueue,
        reconciledTables: this.reconciledTables,
        reconcileTolerance: args.reconcile.tolerance,
        bridgeCoverageMin: args.bridgeCoverageMin,
        alarmTopicArn: args.alarmTopicArn,
        tags: opsTags,
      },
      this,
    );

    this.registerOutputs({
      functionNames: Object.fromEntries(Object.entries(this.functions).map(([k, f]) => [k, f.name])),
      failureQueueArn: this.failureQueue.arn,
      reconciledTables: this.reconciledTables,
      mergeRules: Object.fromEntries(Object.entries(this.mergeRules).map(([product, rule]) => [product, rule.name])),
      logGroups: Object.fromEntries(Object.entries(byFunction).map(([k, f]) => [k, f.logGroup.name])),
    });
  }
}

/** Build Operations under `parent` (the program's pattern for components made from config). */
export function buildOperations(name: string, args: OperationsArgs, parent?: pulumi.Resource): Operations {
  return new Operations(name, args, parent ? { parent } : undefined);
}
