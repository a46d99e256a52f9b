import { AWS_NAME_RULES, AwsNameKind, awsNameProblem } from "../../core/limits";
import { AUTONAME_RANDOM_CHARS, autonamed, OPERATIONS_WORKGROUP, PLATFORM_WORKGROUP, platformPrefix, slug, teamSlug } from "../../core/names";
import { CONFIG_NAMESPACE } from "./schema";

/**
 * The AWS names the components will give each resource built from a config value, worked out from the config alone so
 * a name AWS would refuse is a config error before any resource exists. The components name their children; this
 * file restates those names, and tests/infra/config/awsNames.test.ts holds it to the program's real resources.
 */

export interface DerivedName {
  readonly kind: AwsNameKind;
  /** Pulumi type token of the resource. */
  readonly type: string;
  readonly logicalName: string;
  /** What AWS is asked to create: the explicit name the component passes, or Pulumi's autoname. */
  readonly physicalName: string;
  /** The config value the name is built from, with its key, and the text it puts in the name (e.g. its slug). */
  readonly from: { readonly key: string; readonly value: string; readonly part: string };
}

type Name = Omit<DerivedName, "from">;

const auto = (kind: AwsNameKind, type: string, logicalName: string): Name => ({ kind, type, logicalName, physicalName: autonamed(logicalName) });
const explicit = (kind: AwsNameKind, type: string, logicalName: string, physicalName: string): Name => ({
  kind,
  type,
  logicalName,
  physicalName,
});

const T = {
  stream: "aws:kinesis/stream:Stream",
  firehose: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
  role: "aws:iam/role:Role",
  bucket: "aws:s3/bucket:Bucket",
  tableBucket: "aws:s3tables/tableBucket:TableBucket",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  schedule: "aws:scheduler/schedule:Schedule",
  rule: "aws:cloudwatch/eventRule:EventRule",
  target: "aws:cloudwatch/eventTarget:EventTarget",
  glueJob: "aws:glue/job:Job",
  glueTrigger: "aws:glue/trigger:Trigger",
  glueSecurity: "aws:glue/securityConfiguration:SecurityConfiguration",
  glueConnection: "aws:glue/connection:Connection",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  lambda: "aws:lambda/function:Function",
  queue: "aws:sqs/queue:Queue",
  workgroup: "aws:athena/workgroup:Workgroup",
} as const;

/** The Operations functions (components/operations/bundle.ts FUNCTIONS). */
const OPERATIONS_FUNCTIONS = ["merge", "reconcile", "freshness", "maintenance", "erase", "backfill", "canary"] as const;

/** StreamingLane `${prefix}-${slug}` (components/streamingLane.ts) and its merge schedule (components/operations/triggers.ts). */
export function streamNames(prefix: string, product: string): Name[] {
  const lane = `${prefix}-${slug(product)}`;
  return [
    auto("kinesisStream", T.stream, `${lane}-stream`),
    auto("firehoseStream", T.firehose, `${lane}-delivery`),
    auto("iamRole", T.role, `${lane}-firehose`),
    auto("s3Bucket", T.bucket, `${lane}-errors`),
    auto("logGroup", T.logGroup, `${lane}-firehose`),
    ...["iterator-age", "write-throttled", "delivery-freshness", "delivery-failed-rows"].map((a) => auto("metricAlarm", T.alarm, `${lane}-${a}`)),
    auto("schedulerSchedule", T.schedule, `${prefix}-ops-merge-${slug(product)}`),
  ];
}

/** BatchLane `${prefix}-${slug}` (components/batchLane.ts) and the rule that starts its merge (components/operations/triggers.ts). */
export function batchNames(prefix: string, product: string, sourceKind: "jdbc" | "s3"): Name[] {
  const lane = `${prefix}-${slug(product)}`;
  const merge = `${prefix}-ops-merge-${slug(product)}`;
  return [
    auto("iamRole", T.role, `${lane}-glue`),
    auto("glueJob", T.glueJob, `${lane}-job`),
    auto("glueTrigger", T.glueTrigger, `${lane}-schedule`),
    auto("glueSecurityConfiguration", T.glueSecurity, `${lane}-encryption`),
    auto("eventBridgeRule", T.rule, `${lane}-failed`),
    auto("eventBridgeTarget", T.target, `${lane}-failed`),
    auto("eventBridgeRule", T.rule, merge),
    auto("eventBridgeTarget", T.target, merge),
    ...(sourceKind === "jdbc"
      ? [auto("securityGroup", T.securityGroup, `${lane}-glue`), auto("glueConnection", T.glueConnection, `${lane}-network`)]
      : []),
  ];
}

/** Per owner team: its Athena workgroup and scan alarm (components/gold/workgroups.ts). */
export function teamNames(prefix: string, team: string): Name[] {
  const workgroup = `${prefix}-gold-${teamSlug(team)}`;
  return [explicit("athenaWorkgroup", T.workgroup, workgroup, workgroup), auto("metricAlarm", T.alarm, `${workgroup}-daily-scan`)];
}

/** Names that depend on the environment alone (infra/platform.ts, components/gold, components/operations, components/icebergNamespace.ts). */
export function environmentNames(prefix: string, hasBatches: boolean): Name[] {
  const ops = `${prefix}-ops`;
  return [
    explicit("s3TableBucket", T.tableBucket, `${prefix}-tables`, `${prefix}-tables`),
    auto("s3Bucket", T.bucket, `${prefix}-gold-results`),
    // The email-salt table's object (components/emailSalt.ts).
    auto("s3Bucket", T.bucket, `${prefix}-email-salt`),
    ...(hasBatches ? [auto("s3Bucket", T.bucket, `${prefix}-scripts`)] : []),
    ...[PLATFORM_WORKGROUP, OPERATIONS_WORKGROUP].map((w) => explicit("athenaWorkgroup", T.workgroup, `${prefix}-gold-${w}`, `${prefix}-gold-${w}`)),
    auto("iamRole", T.role, `${prefix}-gold-quicksight`),
    auto("iamRole", T.role, `${ops}-scheduler`),
    auto("sqsQueue", T.queue, `${ops}-failures`),
    ...OPERATIONS_FUNCTIONS.flatMap((fn) => [
      auto("lambdaFunction", T.lambda, `${ops}-${fn}`),
      auto("iamRole", T.role, `${ops}-${fn}`),
      explicit("logGroup", T.logGroup, `${ops}-${fn}`, `/retail/operations/${ops}-${fn}`),
    ]),
    ...["reconcile", "freshness", "maintenance", "canary"].map((s) => auto("schedulerSchedule", T.schedule, `${ops}-${s}`)),
  ];
}

export interface NamedConfig {
  readonly environment: string;
  readonly dataProducts: readonly { readonly name: string }[];
  readonly streams: readonly { readonly name: string }[];
  readonly batches: readonly { readonly name: string; readonly batch: { readonly sourceKind: "jdbc" | "s3" } }[];
  readonly ownerTeams: readonly string[];
}

/** Every AWS name the config produces, each with the config value it comes from. */
export function derivedNames(cfg: NamedConfig): DerivedName[] {
  const prefix = platformPrefix(cfg.environment);
  const productKey = (name: string) => `${CONFIG_NAMESPACE}:dataProducts[${cfg.dataProducts.findIndex((p) => p.name === name)}].name`;
  const tag = (key: string, value: string, part: string) => (n: Name) => ({ ...n, from: { key, value, part } });
  return [
    ...environmentNames(prefix, cfg.batches.length > 0).map(tag(`${CONFIG_NAMESPACE}:environment`, cfg.environment, cfg.environment)),
    ...cfg.streams.flatMap((s) => streamNames(prefix, s.name).map(tag(productKey(s.name), s.name, slug(s.name)))),
    ...cfg.batches.flatMap((b) => batchNames(prefix, b.name, b.batch.sourceKind).map(tag(productKey(b.name), b.name, slug(b.name)))),
    ...cfg.ownerTeams.flatMap((t) => teamNames(prefix, t).map(tag(`${CONFIG_NAMESPACE}:quicksight.ownerGroups`, t, teamSlug(t)))),
  ];
}

/**
 * One problem per config value whose names AWS would refuse, naming each name it would produce and, when the value's
 * length is what breaks them, the longest value that fits them all.
 */
export function nameProblems(cfg: NamedConfig): string[] {
  const byValue = new Map<string, DerivedName[]>();
  for (const d of derivedNames(cfg)) {
    const k = `${d.from.key}\u0000${d.from.value}`;
    byValue.set(k, [...(byValue.get(k) ?? []), d]);
  }
  const problems: string[] = [];
  for (const names of byValue.values()) {
    const { key, value, part } = names[0].from;
    const broken = names.filter((d) => awsNameProblem(AWS_NAME_RULES[d.kind], d.physicalName) !== undefined);
    if (broken.length === 0) continue;
    const shown = broken.map((d) => `${AWS_NAME_RULES[d.kind].what} "${d.physicalName}" (${awsNameProblem(AWS_NAME_RULES[d.kind], d.physicalName)})`);
    const random = broken.some((d) => d.physicalName !== d.logicalName)
      ? ` (x's stand for the ${AUTONAME_RANDOM_CHARS} random characters Pulumi appends)`
      : "";
    // Every name holds the value's part once, so each leaves the part as many characters as its limit allows.
    const longest = Math.min(...names.map((d) => AWS_NAME_RULES[d.kind].maxLength - (d.physicalName.length - part.length)));
    const fix = !(longest >= 1 && names.every((d) => AWS_NAME_RULES[d.kind].pattern.test(d.physicalName)))
      ? "rename it"
      : part.length === value.length
        ? `shorten it to at most ${longest} characters`
        : `shorten it so that "${part}", its part of these names, is at most ${longest} characters`;
    const where = key.endsWith(".ownerGroups") ? `${key} (team ${JSON.stringify(value)})` : `${key} = ${JSON.stringify(value)}`;
    problems.push(`${where} (${value.length} characters) makes names AWS would refuse: ${shown.join("; ")}${random}. Fix: ${fix}.`);
  }
  return problems;
}
