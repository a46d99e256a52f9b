import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { BATCH_CADENCE_MINUTES, chooseLane, Lane, LANES, LaneError } from "../core/lanes";
import { ATHENA_MIN_BYTES_SCANNED_CUTOFF, MIN_STREAM_FRESHNESS_MINUTES, SPICE_ROW_CAP } from "../core/limits";

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
        namespace: z.string().min(1),
        /** Owner team (as the KPI catalog spells it) → QuickSight group that owns its datasets. */
        ownerGroups: z.record(z.string().min(1), qsPrincipal),
        /** SPICE row cap; larger datasets spill to direct query (10M per the seed). */
        spiceRowCap: z.number().int().min(1).max(SPICE_ROW_CAP),
      })
      .strict(),
    /** store-only is the seed's rollback: gold views report the store channel only while the bridge backfills. */
    goldChannelMode: z.enum(["omnichannel", "store-only"]),
    operations: z
      .object({
        /** Relative source-vs-silver drift tolerated before reconciliation alerts (0.001 = 0.1 %). */
        reconcileTolerance: z.number().min(0).max(0.5),
        /** UTC hour the daily reconciliation runs, after the daily batch lanes' window. */
        reconcileHourUtc: z.number().int().min(0).max(23),
        /** Days Lambda logs are kept. */
        logRetentionDays: z.number().int().min(1).max(3653),
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
}

/** A RunError: `pulumi up` prints the message alone, without a stack trace. */
export class ConfigError extends pulumi.RunError {
  constructor(readonly problems: readonly string[]) {
    super(`invalid stack configuration:\n  - ${problems.join("\n  - ")}`);
  }
}

/** How to fix a field, by its last path segment: the part of each message a person acts on. */
const FIXES: Record<string, string> = {
  environment: 'set retail:environment to "dev" or "prod"',
  protectStateful: "set retail:protectStateful to true (required in prod) or false",
  dataProducts: "list the data products under retail:dataProducts (see README, Config keys)",
  name: "use a lowercase table-safe name such as cart_events",
  semantics: 'use "event" for things that happen, "snapshot" for state read whole',
  freshnessMinutes: "give the freshness need in whole minutes, e.g. 5 for cart events, 1440 for a daily snapshot",
  lane: `use one of ${LANES.join(", ")}, or omit it to take the lane the rule derives`,
  peakRecordsPerSecond: "give the sustained writes/s expected at the peak, e.g. 8000",
  avgRecordBytes: "give the average record size in bytes, e.g. 1024",
  capacityMode: 'use "provisioned" (sized from the peak) or "on-demand"',
  sourceKind: 'use "jdbc" for a database reached through the VPC or "s3" for dropped extracts',
  sourceUri: "give the extract location as s3://bucket/prefix",
  workers: "give the Glue worker count, 2 to 100",
  timeoutMinutes: "give the Glue job timeout in minutes, 5 to 2880",
  streamRetentionHours: "give Kinesis retention in hours, 24 to 8760",
  snapshotRetentionHours: "give Iceberg snapshot retention in hours, 1 to 8760",
  protocol: "use email, https, sqs or lambda",
  endpoint: "give the subscription endpoint, e.g. an on-call email address",
  bytesScannedCutoffPerQuery: `give bytes, at least ${ATHENA_MIN_BYTES_SCANNED_CUTOFF} (Athena's minimum)`,
  dailyScanBudgetBytes: `give bytes per day, at least ${ATHENA_MIN_BYTES_SCANNED_CUTOFF}`,
  resultRetentionDays: "give days, 1 to 365",
  spiceRowCap: `give a row count no higher than ${SPICE_ROW_CAP} (the SPICE cap)`,
  goldChannelMode: 'use "omnichannel", or "store-only" to roll gold back to store-channel reporting',
  reconcileTolerance: "give a fraction from 0 to 0.5, e.g. 0.001",
  reconcileHourUtc: "give an hour 0 to 23 after the daily batch window",
  logRetentionDays: "give days, 1 to 3653",
  vpcCidr: "give an IPv4 CIDR such as 10.40.0.0/16",
  availabilityZones: "give 2 or 3",
  ownerGroups: "map each owner team to its QuickSight group name",
  namespace: 'give the QuickSight namespace, usually "default"',
};

function keyPath(path: readonly PropertyKey[]): string {
  return `${CONFIG_NAMESPACE}:` + path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}

function show(v: unknown): string {
  return v === undefined ? "(missing)" : JSON.stringify(v);
}

function describeIssue(issue: z.core.$ZodIssue, secretKeys: ReadonlySet<string>): string[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((k) => {
      const where = keyPath([...issue.path, k]);
      return `${where} is not a known key. Fix: check its spelling against the README's config table, or remove it.`;
    });
  }
  const last = [...issue.path].reverse().find((p) => typeof p === "string") as string | undefined;
  const fix = (last && FIXES[last]) ?? "see the README's config table";
  // A value stored as a Pulumi secret is never printed, even when it is wrong.
  const value = typeof issue.path[0] === "string" && secretKeys.has(issue.path[0]) ? "[secret]" : show(issue.input);
  return [`${keyPath(issue.path)} = ${value}: ${issue.message}. Fix: ${fix}.`];
}

/** Cross-field rules zod's shapes cannot say; each returns the problems it finds. */
function checkProducts(cfg: RawConfig): { streams: StreamProduct[]; batches: BatchProduct[]; problems: string[] } {
  const problems: string[] = [];
  const streams: StreamProduct[] = [];
  const batches: BatchProduct[] = [];
  const seen = new Set<string>();
  cfg.dataProducts.forEach((p, i) => {
    const at = `${CONFIG_NAMESPACE}:dataProducts[${i}]`;
    if (seen.has(p.name)) problems.push(`${at}.name = "${p.name}": duplicate data product. Fix: give each product a unique name.`);
    seen.add(p.name);
    let lane: Lane;
    try {
      lane = chooseLane(p);
    } catch (e) {
      if (e instanceof LaneError) {
        problems.push(`${at}.lane = ${show(p.lane)}: ${e.message}`);
        return;
      }
      throw e;
    }
    if (lane === "stream") {
      if (!p.stream) {
        problems.push(
          `${at}.stream = (missing): "${p.name}" travels on a stream. Fix: add stream {peakRecordsPerSecond, avgRecordBytes, capacityMode}.`,
        );
      } else if (p.batch) {
        problems.push(`${at}.batch = ${show(p.batch)}: "${p.name}" travels on a stream, so batch settings would be ignored. Fix: remove batch.`);
      } else if (p.freshnessMinutes < MIN_STREAM_FRESHNESS_MINUTES) {
        problems.push(
          `${at}.freshnessMinutes = ${p.freshnessMinutes}: Firehose buffering plus the silver merge cannot deliver in under ${MIN_STREAM_FRESHNESS_MINUTES} minutes. Fix: set at least ${MIN_STREAM_FRESHNESS_MINUTES}.`,
        );
      } else {
        streams.push({ ...p, lane, stream: p.stream });
      }
    } else if (!p.batch) {
      problems.push(`${at}.batch = (missing): "${p.name}" travels on ${lane}. Fix: add batch {sourceKind, workers, timeoutMinutes}.`);
    } else if (p.stream) {
      problems.push(
        `${at}.stream = ${show(p.stream)}: "${p.name}" travels on ${lane}, so stream settings would be ignored. Fix: remove stream, or set lane: stream.`,
      );
    } else if (p.batch.sourceKind === "s3" && !p.batch.sourceUri) {
      problems.push(`${at}.batch.sourceUri = (missing): an s3 source needs its extract location. Fix: set sourceUri: s3://bucket/prefix.`);
    } else if (p.batch.sourceKind === "jdbc" && !p.batch.connectionSecretName) {
      problems.push(
        `${at}.batch.connectionSecretName = (missing): a jdbc source needs the Secrets Manager secret with its JDBC URL and credentials. Fix: set connectionSecretName.`,
      );
    } else if (p.batch.sourceKind === "jdbc" && p.batch.sourceUri) {
      problems.push(
        `${at}.batch.sourceUri = ${show(p.batch.sourceUri)}: a jdbc source reads its database, so this would be ignored. Fix: remove sourceUri, or set sourceKind: s3.`,
      );
    } else if (p.batch.sourceKind === "s3" && p.batch.connectionSecretName) {
      problems.push(
        `${at}.batch.connectionSecretName = ${show(p.batch.connectionSecretName)}: an s3 source reads files, so this would be ignored. Fix: remove connectionSecretName, or set sourceKind: jdbc.`,
      );
    } else if (p.batch.timeoutMinutes >= BATCH_CADENCE_MINUTES[lane]) {
      problems.push(
        `${at}.batch.timeoutMinutes = ${p.batch.timeoutMinutes}: not shorter than the ${lane} cadence (${BATCH_CADENCE_MINUTES[lane]} min), so runs could pile up. Fix: set it below ${BATCH_CADENCE_MINUTES[lane]}.`,
      );
    } else {
      batches.push({ ...p, lane, batch: p.batch });
    }
  });
  return { streams, batches, problems };
}

/**
 * Validate the raw `retail:` values (already JSON-decoded) and return the typed config, or throw one
 * ConfigError listing every problem with its key, value and fix. Pure: tests call it directly.
 */
export function parsePlatformConfig(
  raw: Record<string, unknown>,
  ctx: {
    project: string;
    stack: string;
    region: string | undefined;
    emailHashSalt: string | undefined;
    /** `retail:` keys (without the namespace) the stack stores as secrets; loadConfig passes the engine's list. */
    secretKeys?: readonly string[];
    /** Every config key of the stack (with its namespace), to catch a misspelled namespace. */
    allKeys?: readonly string[];
  },
): Omit<PlatformConfig, "emailHashSalt"> {
  const secretKeys = new Set(ctx.secretKeys ?? []);
  const problems: string[] = [];
  if (!ctx.region) problems.push("aws:region = (missing): the provider region. Fix: pulumi config set aws:region us-east-1.");
  if (ctx.emailHashSalt === undefined) {
    problems.push(
      `${CONFIG_NAMESPACE}:emailHashSalt = (missing): the salt for email_hash. Fix: pulumi config set --secret ${CONFIG_NAMESPACE}:emailHashSalt <32+ random characters>.`,
    );
  } else if (ctx.secretKeys && !secretKeys.has("emailHashSalt")) {
    // Stored in plain text, it is already in the stack file and in git; say so without printing it.
    problems.push(
      `${CONFIG_NAMESPACE}:emailHashSalt = [${ctx.emailHashSalt.length} characters, in plain text]: the salt must be a Pulumi secret, never committed in plain text. Fix: pulumi config set --secret ${CONFIG_NAMESPACE}:emailHashSalt "$(openssl rand -base64 48)", and rotate it if it was pushed.`,
    );
  } else if (!/^[A-Za-z0-9+/=_-]{32,128}$/.test(ctx.emailHashSalt)) {
    // The value is a secret: say what is wrong with it without printing it.
    problems.push(
      `${CONFIG_NAMESPACE}:emailHashSalt = [secret, ${ctx.emailHashSalt.length} characters]: must be 32 to 128 characters of A-Z a-z 0-9 + / = _ -. Fix: pulumi config set --secret ${CONFIG_NAMESPACE}:emailHashSalt "$(openssl rand -base64 48)".`,
    );
  }
  // A key in a namespace nothing reads is ignored by Pulumi: `retial:goldChannelMode: store-only` would leave the
  // rollback switch off without a word. Only the namespaces this program and its providers read are accepted.
  for (const key of ctx.allKeys ?? []) {
    const ns = key.includes(":") ? key.slice(0, key.indexOf(":")) : "";
    if (!KNOWN_NAMESPACES.includes(ns)) {
      problems.push(
        `${key}: no part of this program reads the "${ns}" namespace, so the value would be ignored. Fix: correct it to ${CONFIG_NAMESPACE}:${key.slice(ns.length + 1)} (or one of ${KNOWN_NAMESPACES.join(", ")}), or remove it.`,
      );
    }
  }
  const { emailHashSalt: _salt, ...rest } = raw;
  void _salt;
  const parsed = configSchema.safeParse(rest, { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError([...problems, ...parsed.error.issues.flatMap((i) => describeIssue(i, secretKeys))]);
  }
  const cfg = parsed.data;
  const { streams, batches, problems: productProblems } = checkProducts(cfg);
  problems.push(...productProblems);
  if (cfg.environment === "prod" && !cfg.protectStateful) {
    problems.push(`${CONFIG_NAMESPACE}:protectStateful = false: prod must protect its table bucket, tables and streams. Fix: set it to true.`);
  }
  if (cfg.environment !== ctx.stack && (ctx.stack === "dev" || ctx.stack === "prod")) {
    problems.push(
      `${CONFIG_NAMESPACE}:environment = "${cfg.environment}": stack "${ctx.stack}" must declare environment "${ctx.stack}". Fix: correct Pulumi.${ctx.stack}.yaml.`,
    );
  }
  // Cross-field rules the gold layer would otherwise find only after the stateful resources are registered.
  if (cfg.athena.dailyScanBudgetBytes < cfg.athena.bytesScannedCutoffPerQuery) {
    problems.push(
      `${CONFIG_NAMESPACE}:athena.dailyScanBudgetBytes = ${cfg.athena.dailyScanBudgetBytes}: below bytesScannedCutoffPerQuery = ${cfg.athena.bytesScannedCutoffPerQuery}, so one allowed query would trip the daily alarm. Fix: raise dailyScanBudgetBytes or lower the cutoff.`,
    );
  }
  if (Object.keys(cfg.quicksight.ownerGroups).length === 0) {
    problems.push(
      `${CONFIG_NAMESPACE}:quicksight.ownerGroups = {}: every KPI owner team needs a QuickSight group. Fix: map each owner team in core/catalog to its group, e.g. Merchandising: retail-merchandising.`,
    );
  }
  const jdbc = cfg.dataProducts.some((p) => p.batch?.sourceKind === "jdbc");
  if (jdbc && !cfg.network) {
    problems.push(
      `${CONFIG_NAMESPACE}:network = (missing): a jdbc batch source needs a VPC for its Glue connection. Fix: add network {vpcCidr, availabilityZones}.`,
    );
  } else if (!jdbc && cfg.network) {
    problems.push(
      `${CONFIG_NAMESPACE}:network = ${show(cfg.network)}: only a jdbc batch source uses the VPC, and none is configured, so it would be ignored. Fix: remove network.`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const { dataProducts: _dp, ...settings } = cfg;
  void _dp;
  return { ...settings, project: ctx.project, stack: ctx.stack, region: ctx.region!, streams, batches, secretKeys: [...secretKeys] };
}

/**
 * Whether the engine holds a config key as a secret (`pulumi config set --secret`). Pulumi's own Config getters
 * use this to warn about secrets read in plain text; the SDK exports it from runtime/config without typing it.
 */
function isConfigSecret(key: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtimeConfig: { isConfigSecret?: (k: string) => boolean } = require("@pulumi/pulumi/runtime/config");
  if (typeof runtimeConfig.isConfigSecret !== "function") {
    throw new Error("@pulumi/pulumi/runtime/config no longer exports isConfigSecret: update infra/config.ts");
  }
  return runtimeConfig.isConfigSecret(key);
}

/** Decode Pulumi's string-valued config: structured values and scalars arrive as JSON text. */
export function decodeConfigValue(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** Read and validate the running stack's configuration. Throws ConfigError before any resource exists. */
export function loadConfig(): PlatformConfig {
  const all = pulumi.runtime.allConfig();
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(all)) {
    if (key.startsWith(`${CONFIG_NAMESPACE}:`)) raw[key.slice(CONFIG_NAMESPACE.length + 1)] = decodeConfigValue(value);
  }
  const parsed = parsePlatformConfig(raw, {
    project: pulumi.getProject(),
    stack: pulumi.getStack(),
    region: all["aws:region"],
    // Taken as the raw string: JSON-decoding a salt could turn "0123..." into a number.
    emailHashSalt: all[`${CONFIG_NAMESPACE}:emailHashSalt`],
    secretKeys: Object.keys(raw).filter((k) => isConfigSecret(`${CONFIG_NAMESPACE}:${k}`)),
    allKeys: Object.keys(all),
  });
  return { ...parsed, emailHashSalt: new pulumi.Config(CONFIG_NAMESPACE).requireSecret("emailHashSalt") };
}
