import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { parseUtc } from "../../core/rollback";
import { Lane, LANES } from "../../core/lanes";
import {
  ATHENA_MIN_BYTES_SCANNED_CUTOFF,
  AWS_NAME_RULES,
  RAW_EMAIL_RETENTION_MAX_DAYS,
  RAW_EMAIL_RETENTION_MIN_DAYS,
  RERESOLVE_HORIZON_MAX_DAYS,
  RERESOLVE_HORIZON_MIN_DAYS,
  SPICE_ROW_CAP,
} from "../../core/limits";

/**
 * The stack's `retail:` configuration: read once, validated whole before any resource is created.
 * Every key that changes cost or correctness is required; the few defaults below are documented in the README.
 */

export const CONFIG_NAMESPACE = "retail";
/** Config namespaces something in this program reads: ours, the providers' and Pulumi's own. */
export const KNOWN_NAMESPACES = [CONFIG_NAMESPACE, "aws", "aws-native", "awsx", "pulumi"];

/** What an SNS endpoint looks like for each protocol the platform allows. */
const ENDPOINT_SHAPES: Record<"email" | "https" | "sqs" | "lambda", RegExp> = {
  email: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
  https: /^https:\/\/[^\s]+$/,
  sqs: /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/,
  lambda: /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/,
};

const name = z.string().regex(/^[a-z][a-z0-9_]{1,62}$/, "must be lowercase letters, digits and underscores, starting with a letter");

const streamSettings = z
  .object({
    /** Sustained writes per second expected at the peak (Black Friday), before the peak. */
    peakRecordsPerSecond: z.number().int().min(1).max(1_000_000),
    /** Average record size in bytes; with the peak it sizes shards by throughput. */
    avgRecordBytes: z
      .number()
      .int()
      .min(1)
      .max(1024 * 1024),
    /** provisioned (sized from the peak) or on-demand (AWS scales; costs more at steady load). */
    capacityMode: z.enum(["provisioned", "on-demand"]),
  })
  .strict();

const batchSettings = z
  .object({
    /** How the Glue job reaches the source: a JDBC database inside the VPC, or files dropped in S3. */
    sourceKind: z.enum(["jdbc", "s3"]),
    /** For s3 sources: the S3 URI the source system drops its extracts in. */
    sourceUri: z
      .string()
      .regex(/^s3:\/\/[a-z0-9.-]{3,63}(\/.*)?$/, "must be an s3://bucket/prefix URI")
      .optional(),
    /**
     * For jdbc sources: the Secrets Manager secret name holding the JDBC URL, user and password. A name, not an ARN,
     * and no wildcard: it becomes the Glue role's only secretsmanager resource (`secret:<name>-??????`).
     */
    connectionSecretName: z
      .string()
      .regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, "must be a Secrets Manager secret name (letters, digits and /_+=.@-; no wildcard, not an ARN)")
      .optional(),
    /** Glue workers (G.1X) for the job. */
    workers: z.number().int().min(2).max(100),
    /** Minutes before the job is stopped; part of the freshness budget. */
    timeoutMinutes: z.number().int().min(5).max(2880),
  })
  .strict();

const dataProduct = z
  .object({
    name,
    sourceSystem: z.string().min(1),
    semantics: z.enum(["event", "snapshot"]),
    freshnessMinutes: z.number().int().min(1).max(10080),
    lane: z.enum(LANES as [Lane, ...Lane[]]).optional(),
    stream: streamSettings.optional(),
    batch: batchSettings.optional(),
  })
  .strict();

const qsPrincipal = z.string().regex(/^[A-Za-z0-9+=,.@_-]{1,128}$/, "must be a QuickSight group name");

export const configSchema = z
  .object({
    environment: z.enum(["dev", "prod"]),
    /** Stateful resources (table bucket, tables, streams) get `protect`; must be true in prod. */
    protectStateful: z.boolean(),
    dataProducts: z.array(dataProduct).min(1),
    /** USD a month the stack may cost by core/cost.ts's list prices: streams alone above it are refused here, the whole plan above it is a mandatory finding. */
    monthlyCostCeilingUsd: z.number().positive(),
    /** The account's Kinesis shard quota in this Region when it was raised; otherwise Kinesis's documented default applies. */
    kinesisShardQuota: z.number().int().min(1).optional(),
    /** Kinesis retention in hours (24 to 8760). */
    streamRetentionHours: z.number().int().min(24).max(8760),
    /** Iceberg snapshots older than this are expired by S3 Tables snapshot management. */
    snapshotRetentionHours: z.number().int().min(1).max(8760),
    alarmSubscription: z
      .object({
        protocol: z.enum(["email", "https", "sqs", "lambda"]),
        endpoint: z.string().min(3),
      })
      .strict()
      // SNS accepts a subscription whose endpoint does not fit its protocol and then never delivers: check the shape.
      .refine((a) => ENDPOINT_SHAPES[a.protocol].test(a.endpoint), {
        path: ["endpoint"],
        message: "does not fit the protocol (email: an address; https: an https:// URL; sqs, lambda: the queue's or function's ARN)",
      }),
    athena: z
      .object({
        /** Per-query bytes-scanned cutoff; a query over it is cancelled (and still billed). */
        bytesScannedCutoffPerQuery: z.number().int().min(ATHENA_MIN_BYTES_SCANNED_CUTOFF),
        /** Daily bytes-scanned budget per KPI owner workgroup, alarmed. */
        dailyScanBudgetBytes: z.number().int().min(ATHENA_MIN_BYTES_SCANNED_CUTOFF),
        /** Days query results are kept in the results bucket. */
        resultRetentionDays: z.number().int().min(1).max(365),
      })
      .strict(),
    quicksight: z
      .object({
        /** QuickSight namespace the owner groups live in. */
        namespace: z
          .string()
          .regex(
            AWS_NAME_RULES.quicksightNamespace.pattern,
            `must be a QuickSight namespace name (${AWS_NAME_RULES.quicksightNamespace.characters}; CreateNamespace refuses anything else)`,
          )
          .max(AWS_NAME_RULES.quicksightNamespace.maxLength),
        /** Owner team (as the KPI catalog spells it) → QuickSight group that owns its datasets. */
        ownerGroups: z.record(z.string().min(1), qsPrincipal),
        /** QuickSight group that authors the executive dashboard (the platform team); owner groups only view it. */
        authorGroup: qsPrincipal,
        /** SPICE row cap; larger datasets spill to direct query (10M per the seed). */
        spiceRowCap: z.number().int().min(1).max(SPICE_ROW_CAP),
      })
      .strict(),
    /**
     * Hours the dashboards lagged before this platform (the seed's nightly warehouse: 26): the "before" beside the
     * canary's measured freshness on the operations dashboard and in the stack outputs.
     */
    baselineRefreshHours: z.number().positive().max(8760),
    /** The freshness canary: one marked event on every stream each interval, measured to the dashboard. */
    canary: z
      .object({
        enabled: z.boolean().default(true),
        /** Minutes between canary rounds (EventBridge Scheduler rate). */
        intervalMinutes: z.number().int().min(1).max(60).default(15),
      })
      .strict()
      .default({ enabled: true, intervalMinutes: 15 }),
    /** PII retention: raw emails in bronze are set to NULL this many whole days after arrival (operations maintenance, daily). */
    privacy: z
      .object({
        rawEmailRetentionDays: z.number().int().min(RAW_EMAIL_RETENTION_MIN_DAYS).max(RAW_EMAIL_RETENTION_MAX_DAYS).default(30),
      })
      .strict()
      .default({ rawEmailRetentionDays: 30 }),
    /** store-only is the seed's rollback: gold views report the store channel only while the bridge backfills. */
    goldChannelMode: z.enum(["omnichannel", "store-only"]),
    /** When the current mode began (UTC): a store-only period alarms 48 h after it, and a new value re-ingests SPICE. */
    goldChannelModeSince: z
      .string()
      .refine((v) => parseUtc(v) !== undefined, "must be a real UTC time written as 2026-12-04T10:00:00Z")
      // A switch time ahead of the clock would push the 48 h watch out by as much (10 min of clock skew tolerated).
      .refine((v) => (parseUtc(v)?.getTime() ?? 0) <= Date.now() + 600_000, "is in the future"),
    operations: z
      .object({
        /** Relative source-vs-silver drift tolerated before reconciliation alerts (0.001 = 0.1 %). */
        reconcileTolerance: z.number().min(0).max(0.5),
        /** UTC hour the daily reconciliation runs, after the daily batch lanes' window. */
        reconcileHourUtc: z.number().int().min(0).max(23),
        /** Days Lambda logs are kept: one of CloudWatch Logs' retention values (checked in parse.ts). */
        logRetentionDays: z.number().int().min(1).max(3653),
        /**
         * Share of purchases with a resolved loyalty_id below which the bridge-coverage alarm fires. 0.95: on the local
         * lakehouse POS purchases resolve at 0.986 with the bridge and 0.90 on loyalty scans alone (bridge not refreshing).
         */
        bridgeCoverageMin: z.number().min(0).max(1).default(0.95),
        /**
         * Days back (event time) the merge re-resolves silver rows left unresolved when the bridge learns a link
         * (sql/reresolve/); at most retail:privacy.rawEmailRetentionDays (checked in parse.ts). Unset: 30 days, or the
         * retention when that is shorter (PlatformConfig.reresolveHorizonDays).
         */
        reresolveHorizonDays: z.number().int().min(RERESOLVE_HORIZON_MIN_DAYS).max(RERESOLVE_HORIZON_MAX_DAYS).optional(),
      })
      .strict(),
    /** Only needed when a batch product reads a jdbc source. */
    network: z
      .object({
        vpcCidr: z
          .string()
          .regex(/^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)\/(1[6-9]|2[0-4])$/, "must be an IPv4 CIDR from /16 to /24"),
        availabilityZones: z.number().int().min(2).max(3),
      })
      .strict()
      .optional(),
  })
  .strict();

export type RawConfig = z.infer<typeof configSchema>;
export type DataProductConfig = z.infer<typeof dataProduct>;

export interface StreamProduct extends DataProductConfig {
  readonly lane: "stream";
  readonly stream: z.infer<typeof streamSettings>;
}
export interface BatchProduct extends DataProductConfig {
  readonly lane: Exclude<Lane, "stream">;
  readonly batch: z.infer<typeof batchSettings>;
}

export interface PlatformConfig extends Omit<RawConfig, "dataProducts"> {
  readonly project: string;
  readonly stack: string;
  readonly region: string;
  readonly streams: readonly StreamProduct[];
  readonly batches: readonly BatchProduct[];
  /** The salt for email_hash, a Pulumi secret: never in plain text in state or outputs. */
  readonly emailHashSalt: pulumi.Output<string>;
  /** `retail:` keys the stack stores as secrets: resources built from them keep them secret. */
  readonly secretKeys: readonly string[];
  /** retail:operations.reresolveHorizonDays as set, else the default capped at the raw-email retention. */
  readonly reresolveHorizonDays: number;
}
