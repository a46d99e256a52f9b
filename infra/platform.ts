import * as pulumi from "@pulumi/pulumi";
import * as aws from "../components/aws";
// The ec2 module only: the package index also loads awsx classic, ecs, ecr and lb.
import * as awsxEc2 from "@pulumi/awsx/ec2";
import { BatchLane, BatchNetwork } from "../components/batchLane";
import { EmailSalt } from "../components/emailSalt";
import { buildOperations, Operations } from "../components/operations";
import { dashboardMerges, operationsDashboard } from "../components/operations/dashboard";
import { IcebergNamespace } from "../components/icebergNamespace";
import { secureBucket } from "../components/secureBucket";
import { StreamingLane } from "../components/streamingLane";
import { ConfigError, PlatformConfig } from "./config";
import { buildGold, GoldOutputs } from "./gold";
import { unwrittenColumnMessage, unwrittenColumns } from "../core/sql/columnWriters";
import { loadTableDefs, TableDef } from "../core/tables";
import { loadSchemaLedger, planMigrations } from "../core/schemaLedger";
import { slug } from "../core/names";
import { AwsAccount, lookupAccount } from "../components/account";
import { TAG } from "../core/tags";

/** Everything the environment builds, for the output contract and for the later layers to wire into. */
export interface Platform {
  readonly config: PlatformConfig;
  readonly prefix: string;
  readonly kmsKey: aws.kms.Key;
  readonly alarmTopic: aws.sns.Topic;
  readonly emailSalt: EmailSalt;
  readonly lakehouse: IcebergNamespace;
  readonly streams: Record<string, StreamingLane>;
  readonly batches: Record<string, BatchLane>;
  readonly gold: GoldOutputs;
  readonly operations: Operations;
  /** The CloudWatch operations dashboard. */
  readonly operationsDashboard: aws.cloudwatch.Dashboard;
}

/**
 * Which tables the environment needs: every silver table, and a bronze table per data product. Streams and batch
 * jobs alike land raw rows in bronze and the silver MERGE validates them, so reconciliation has a source to count.
 * A product without its bronze DDL is a config error here, before any resource exists.
 */
export function selectTables(cfg: Pick<PlatformConfig, "streams" | "batches">, defs: Map<string, TableDef>): TableDef[] {
  const products = [...cfg.streams, ...cfg.batches].map((p) => p.name);
  const problems = products
    .filter((p) => !defs.has(`retail_bronze.${p}`))
    .map(
      (p) => `retail:dataProducts (name "${p}"): every data product lands in its bronze table. Fix: add sql/bronze/${p}.sql, or correct the name.`,
    );
  if (problems.length > 0) throw new ConfigError(problems);
  const landed = new Set(products);
  return [...defs.values()].filter((t) => t.namespace === "retail_silver" || (t.namespace === "retail_bronze" && landed.has(t.name)));
}

function platformKey(prefix: string, account: AwsAccount, tags: Record<string, string>, protect: boolean): aws.kms.Key {
  // Alarms (CloudWatch) and job-failure events (EventBridge) publish to the encrypted alarm topic, so
  // those services may use the key for that and nothing else. S3 Tables' maintenance principal needs the key
  // to compact and expire our KMS-encrypted tables, and S3 Tables refuses to create a table without it
  // (docs.aws.amazon.com/AmazonS3/latest/userguide/s3-tables-kms-permissions.html). CloudWatch Logs needs it
  // for the log groups Glue's security configuration encrypts (SSE-KMS), scoped to this account's log groups.
  const policy = pulumi.all([account.partition, account.accountId, account.region]).apply(([partition, accountId, regionName]) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" },
        {
          Sid: "AlarmPublishers",
          Effect: "Allow",
          Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
          Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
          Resource: "*",
          Condition: { StringEquals: { "aws:SourceAccount": accountId } },
        },
        {
          Sid: "S3TablesMaintenance",
          Effect: "Allow",
          Principal: { Service: "maintenance.s3tables.amazonaws.com" },
          Action: ["kms:GenerateDataKey", "kms:Decrypt"],
          Resource: "*",
          Condition: { StringLike: { "kms:EncryptionContext:aws:s3:arn": `arn:${partition}:s3tables:${regionName}:${accountId}:bucket/*` } },
        },
        {
          Sid: "EncryptedLogGroups",
          Effect: "Allow",
          Principal: { Service: `logs.${regionName}.amazonaws.com` },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
          Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${regionName}:${accountId}:log-group:*` } },
        },
      ],
    }),
  );
  // Protected in prod: deleting it (a rename is a delete) would leave every table, stream and the salt unreadable.
  return new aws.kms.Key(`${prefix}-key`, { description: `${prefix} platform encryption`, enableKeyRotation: true, policy, tags }, { protect });
}

function alarmTopic(prefix: string, cfg: PlatformConfig, account: AwsAccount, key: aws.kms.Key, tags: Record<string, string>): aws.sns.Topic {
  const topic = new aws.sns.Topic(`${prefix}-alarms`, { kmsMasterKeyId: key.arn, tags });
  new aws.sns.TopicPolicy(`${prefix}-alarms`, {
    arn: topic.arn,
    policy: pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AlarmPublishers",
          Effect: "Allow",
          Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
          Action: "sns:Publish",
          Resource: topic.arn,
          Condition: { StringEquals: { "aws:SourceAccount": account.accountId } },
        },
      ],
    }),
  });
  new aws.sns.TopicSubscription(`${prefix}-alarms-${cfg.alarmSubscription.protocol}`, {
    topic: topic.arn,
    protocol: cfg.alarmSubscription.protocol,
    // An endpoint set with --secret (a paging URL carries its token) stays a secret in state.
    endpoint: cfg.secretKeys.includes("alarmSubscription") ? pulumi.secret(cfg.alarmSubscription.endpoint) : cfg.alarmSubscription.endpoint,
  });
  return topic;
}

function batchNetwork(prefix: string, cfg: PlatformConfig, tags: Record<string, string>): BatchNetwork | undefined {
  if (!cfg.batches.some((b) => b.batch.sourceKind === "jdbc")) return undefined;
  const net = cfg.network!;
  const vpc = new awsxEc2.Vpc(`${prefix}-vpc`, {
    cidrBlock: net.vpcCidr,
    numberOfAvailabilityZones: net.availabilityZones,
    // One NAT gateway: Glue's traffic to AWS APIs is light, and a NAT per AZ triples a fixed cost.
    natGateways: { strategy: "Single" },
    tags,
  });
  const subnetId = vpc.privateSubnetIds.apply((ids) => ids[0]);
  return { vpcId: vpc.vpcId, subnetId, availabilityZone: aws.ec2.getSubnetOutput({ id: subnetId }).availabilityZone };
}

/** Build one environment from its validated config. */
export function buildPlatform(cfg: PlatformConfig): Platform {
  const prefix = `retail-${cfg.environment}`;
  const tables = selectTables(cfg, loadTableDefs());
  // Judged before any resource: a schema change the tables cannot take in place stops the program here.
  const migrations = planMigrations(tables, loadSchemaLedger());
  // `pulumi preview` says it too (the offline plan files it as the advisory schema-column-unwritten).
  for (const c of unwrittenColumns(tables)) pulumi.log.warn(unwrittenColumnMessage(c));
  const tags = { [TAG.environment]: cfg.environment, "retail:platform": "retail-analytics" };
  const protect = cfg.protectStateful;
  // Looked up once: every ARN the platform writes is in this partition, account and region.
  const account = lookupAccount();

  const kmsKey = platformKey(prefix, account, tags, protect);
  const topic = alarmTopic(prefix, cfg, account, kmsKey, tags);
  // The salt as a table the merge SQL reads, so it is in no query text (rotation: see EmailSalt and the README).
  const emailSalt = new EmailSalt(`${prefix}-email`, { account, salt: cfg.emailHashSalt, kmsKeyArn: kmsKey.arn, protect, tags });

  const lakehouse = new IcebergNamespace(prefix, {
    account,
    tables,
    kmsKeyArn: kmsKey.arn,
    maxSnapshotAgeHours: cfg.snapshotRetentionHours,
    protect,
    tags,
  });

  const streams: Record<string, StreamingLane> = {};
  for (const s of cfg.streams) {
    streams[s.name] = new StreamingLane(`${prefix}-${slug(s.name)}`, {
      account,
      product: s.name,
      peakRecordsPerSecond: s.stream.peakRecordsPerSecond,
      avgRecordBytes: s.stream.avgRecordBytes,
      capacityMode: s.stream.capacityMode,
      freshnessMinutes: s.freshnessMinutes,
      retentionHours: cfg.streamRetentionHours,
      kmsKeyArn: kmsKey.arn,
      lakehouse,
      alarmTopicArn: topic.arn,
      protect,
      tags,
    });
  }

  const batches: Record<string, BatchLane> = {};
  if (cfg.batches.length > 0) {
    const scripts = secureBucket(`${prefix}-scripts`, { kmsKeyArn: kmsKey.arn, forceDestroy: !protect, tags });
    const network = batchNetwork(prefix, cfg, tags);
    for (const b of cfg.batches) {
      batches[b.name] = new BatchLane(`${prefix}-${slug(b.name)}`, {
        account,
        product: b.name,
        lane: b.lane,
        sourceKind: b.batch.sourceKind,
        sourceUri: b.batch.sourceUri,
        connectionSecretName: b.batch.connectionSecretName,
        network: b.batch.sourceKind === "jdbc" ? network : undefined,
        workers: b.batch.workers,
        timeoutMinutes: b.batch.timeoutMinutes,
        kmsKeyArn: kmsKey.arn,
        lakehouse,
        scriptBucket: scripts.bucket,
        scriptBucketArn: scripts.arn,
        alarmTopicArn: topic.arn,
        tags,
      });
    }
  }

  const gold = buildGold(`${prefix}-gold`, {
    config: cfg,
    lakehouse,
    // In the gold layer's operations workgroup, before the views: a view may read a column its table gains here.
    migrate: (workGroup) => Object.values(lakehouse.migrate(migrations, workGroup)),
    // A view over a widened column is stale in Trino: each view re-runs when a table it reads moves a version.
    schemaVersions: Object.fromEntries(migrations.map((m) => [m.table, m.version])),
    alarmTopicArn: topic.arn,
    account,
    protect,
  });
  const operations = buildOperations(`${prefix}-ops`, {
    account,
    lakehouse,
    alarmTopicArn: topic.arn,
    kmsKeyArn: kmsKey.arn,
    // Not the platform workgroup: its SSE_KMS results would refuse the MERGE on S3 Tables (see GoldLayer).
    workgroup: gold.goldLayer.operationsQuery,
    emailSalt,
    spiceDatasets: Object.fromEntries(
      Object.entries(gold.datasets)
        .filter(([, d]) => d.importMode === "SPICE")
        .map(([kpi, d]) => [kpi, { id: d.dataSet.dataSetId, arn: d.dataSet.arn }]),
    ),
    batchJobNames: Object.fromEntries(Object.entries(batches).map(([product, lane]) => [product, lane.job.name])),
    kpiFreshnessBudgetMinutes: Object.fromEntries(Object.entries(gold.outputs.freshnessBudget).map(([kpi, f]) => [kpi, f.budgetMinutes])),
    products: [
      ...cfg.streams.map((s) => ({ name: s.name, lane: s.lane, freshnessMinutes: s.freshnessMinutes })),
      ...cfg.batches.map((b) => ({ name: b.name, lane: b.lane, timeoutMinutes: b.batch.timeoutMinutes })),
    ],
    goldChannelMode: cfg.goldChannelMode,
    reconcile: { tolerance: cfg.operations.reconcileTolerance, hourUtc: cfg.operations.reconcileHourUtc },
    bridgeCoverageMin: cfg.operations.bridgeCoverageMin,
    logRetentionDays: cfg.operations.logRetentionDays,
    rawEmailRetentionDays: cfg.privacy.rawEmailRetentionDays,
    reresolveHorizonDays: cfg.reresolveHorizonDays,
    spiceDataSetIds: Object.fromEntries(
      Object.entries(gold.datasets)
        .filter(([, d]) => d.importMode === "SPICE")
        .map(([kpi, d]) => [kpi, d.dataSetId]),
    ),
    canary: cfg.canary.enabled
      ? {
          intervalMinutes: cfg.canary.intervalMinutes,
          streams: Object.fromEntries(Object.entries(streams).map(([p, lane]) => [p, { name: lane.stream.name, arn: lane.stream.arn }])),
        }
      : undefined,
    tags,
  });

  const goldLayer = gold.goldLayer;
  const opsDashboard = operationsDashboard(`${prefix}-operations`, {
    region: cfg.region,
    kpis: operations.plan.kpis,
    measuredKpis: Object.keys(operations.plan.canary?.kpis ?? {}),
    baselineRefreshHours: cfg.baselineRefreshHours,
    bridgeCoverageProducts: operations.plan.bridgeCoverageProducts,
    bridgeCoverageMin: cfg.operations.bridgeCoverageMin,
    mergeFunction: operations.functions.merge.name,
    failureQueue: operations.failureQueue.name,
    ...dashboardMerges(operations.plan),
    reconciledTables: operations.reconciledTables,
    reconcileTolerance: cfg.operations.reconcileTolerance,
    workgroups: {
      platform: goldLayer.platformWorkgroup.name,
      operations: goldLayer.operationsWorkgroup.name,
      ...Object.fromEntries(Object.entries(goldLayer.teamWorkgroups).map(([team, wg]) => [team, wg.name])),
    },
    dailyScanBudgetBytes: cfg.athena.dailyScanBudgetBytes,
    streams: cfg.streams.map((s) => ({
      product: s.name,
      streamName: streams[s.name].stream.name,
      firehoseName: streams[s.name].firehose.name,
      freshnessMinutes: s.freshnessMinutes,
    })),
  });

  return {
    config: cfg,
    prefix,
    kmsKey,
    alarmTopic: topic,
    emailSalt,
    lakehouse,
    streams,
    batches,
    gold: gold.outputs,
    operations,
    operationsDashboard: opsDashboard,
  };
}
