import { RERESOLVE_HORIZON_DEFAULT_DAYS } from "../../core/limits";
import * as pulumi from "@pulumi/pulumi";
import { BATCH_CADENCE_MINUTES, chooseLane, Lane, LaneError } from "../../core/lanes";
import { RESERVED_WORKGROUP_SUFFIXES } from "../../core/names";
import {
  cidrHostBitsProblem,
  logRetentionProblem,
  ownerTeamSlugProblems,
  reconcileHourProblem,
  streamCostProblem,
  streamFreshnessProblem,
  unusedOwnerTeamsProblem,
} from "./accepts";
import { nameProblems } from "./awsNames";
import { describeIssue, show } from "./messages";
import { BatchProduct, CONFIG_NAMESPACE, configSchema, KNOWN_NAMESPACES, PlatformConfig, RawConfig, StreamProduct } from "./schema";

/** A RunError: `pulumi up` prints the message alone, without a stack trace. */
export class ConfigError extends pulumi.RunError {
  constructor(readonly problems: readonly string[]) {
    super(`invalid stack configuration:\n  - ${problems.join("\n  - ")}`);
  }
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
      } else if (streamFreshnessProblem(at, p.name, p.freshnessMinutes)) {
        problems.push(streamFreshnessProblem(at, p.name, p.freshnessMinutes)!);
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
  if (cfg.operations.reresolveHorizonDays !== undefined && cfg.operations.reresolveHorizonDays > cfg.privacy.rawEmailRetentionDays) {
    problems.push(
      `${CONFIG_NAMESPACE}:operations.reresolveHorizonDays = ${cfg.operations.reresolveHorizonDays}: longer than privacy.rawEmailRetentionDays = ${cfg.privacy.rawEmailRetentionDays}, whose daily retention drops the unresolved rows sooner, so the horizon would promise re-resolution it cannot give. Fix: lower reresolveHorizonDays to at most ${cfg.privacy.rawEmailRetentionDays}, or raise the retention.`,
    );
  }
  if (Object.keys(cfg.quicksight.ownerGroups).length === 0) {
    problems.push(
      `${CONFIG_NAMESPACE}:quicksight.ownerGroups = {}: every KPI owner team needs a QuickSight group. Fix: map each owner team in core/catalog to its group, e.g. Merchandising: retail-merchandising.`,
    );
  }
  // What AWS would refuse, or the platform could not deliver, found here rather than by a half-finished `pulumi up`.
  problems.push(...ownerTeamSlugProblems(cfg.quicksight.ownerGroups, RESERVED_WORKGROUP_SUFFIXES));
  problems.push(
    ...[
      logRetentionProblem(cfg.operations.logRetentionDays),
      reconcileHourProblem(cfg.operations.reconcileHourUtc, batches),
      cfg.network && cidrHostBitsProblem(cfg.network.vpcCidr),
      streamCostProblem(streams, cfg.monthlyCostCeilingUsd),
    ].filter((p): p is string => typeof p === "string"),
  );
  problems.push(
    ...nameProblems({
      environment: cfg.environment,
      dataProducts: cfg.dataProducts,
      streams,
      batches,
      ownerTeams: Object.keys(cfg.quicksight.ownerGroups),
    }),
  );
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
  const reresolveHorizonDays = cfg.operations.reresolveHorizonDays ?? Math.min(RERESOLVE_HORIZON_DEFAULT_DAYS, cfg.privacy.rawEmailRetentionDays);
  return {
    ...settings,
    project: ctx.project,
    stack: ctx.stack,
    region: ctx.region!,
    streams,
    batches,
    secretKeys: [...secretKeys],
    reresolveHorizonDays,
  };
}

/**
 * The config against the KPI catalog it builds from: every owner team it maps must own a KPI. The catalog's own
 * rules (a KPI's owner team without a group, a source product the stack lacks) are core/kpiCatalog.ts's and
 * core/freshness.ts's. Pure: loadConfig calls it before any resource exists, tests call it directly.
 */
export function checkCatalogFit(cfg: Pick<PlatformConfig, "quicksight">, kpis: readonly { readonly ownerTeam: string }[], catalogFile: string): void {
  const problem = unusedOwnerTeamsProblem(cfg.quicksight.ownerGroups, kpis, catalogFile);
  if (problem) throw new ConfigError([problem]);
}
