import * as fs from "fs";
import * as path from "path";
import { sortedKeys } from "../core/sortedKeys";
import type { Diagnostic } from "./analyzer";
import type { PlannedResource } from "./plan";

/**
 * `plan --against <earlier plan JSON>`: what `pulumi up` would create, update, replace and delete, judged from the two
 * plans' recorded inputs and each resource's replacement rules. The engine asks the provider; offline we know:
 * - the resource's own `replaceOnChanges` (aws-native declares every create-only property there, from the CloudFormation
 *   schema, e.g. an S3 Tables table's `icebergMetadata`);
 * - for classic `aws:` types, the properties that name the physical resource (REPLACING_PROPERTIES), which the provider
 *   cannot rename in place. Other create-only properties of classic types are not known offline: such a change is
 *   reported as an update. Inputs that are secrets print as "[secret]", so a secret's change is not seen.
 */

export interface ChangedResource {
  readonly urn: string;
  readonly type: string;
  /** Changed input paths (top-level property names). */
  readonly properties: string[];
}

export interface PlanDiff {
  readonly against: string;
  readonly create: string[];
  readonly update: ChangedResource[];
  readonly replace: ChangedResource[];
  readonly delete: string[];
}

/** Physical-name properties per classic type; every `aws:` type also replaces on `name` and `namePrefix`. */
const REPLACING_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix"],
  "aws:quicksight/dataSet:DataSet": ["dataSetId", "awsAccountId"],
  "aws:quicksight/dataSource:DataSource": ["dataSourceId", "awsAccountId"],
  "aws:quicksight/refreshSchedule:RefreshSchedule": ["dataSetId", "scheduleId", "awsAccountId"],
  "aws:quicksight/ingestion:Ingestion": ["dataSetId", "ingestionId", "ingestionType", "awsAccountId"],
  "aws:s3tables/namespace:Namespace": ["namespace", "tableBucketArn"],
  "aws:iam/role:Role": ["path"],
  "aws:iam/rolePolicy:RolePolicy": ["role"],
  "aws:cloudwatch/eventTarget:EventTarget": ["rule", "targetId", "eventBusName"],
  "aws:cloudwatch/eventRule:EventRule": ["eventBusName"],
  "aws:scheduler/schedule:Schedule": ["groupName"],
  "aws:sqs/queue:Queue": ["fifoQueue"],
  "aws:sns/topic:Topic": ["fifoTopic"],
  "aws:glue/catalogDatabase:CatalogDatabase": ["catalogId"],
  "aws:cloudwatch/logStream:LogStream": ["logGroupName"],
  "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": ["destination"],
  "aws:kms/key:Key": ["keyUsage", "customerMasterKeySpec", "keySpec", "customKeyStoreId", "multiRegion", "xksKeyId"],
  "aws:s3/bucketObjectv2:BucketObjectv2": ["bucket", "key"],
  "aws:glue/catalogTable:CatalogTable": ["databaseName", "catalogId"],
  // Lake Formation grants have no update: any change revokes and grants again.
  "aws:lakeformation/permissions:Permissions": ["*"],
};

/** The replacement rules of a resource: its own replaceOnChanges plus the classic type's naming properties. */
export function replacingPaths(r: PlannedResource): string[] {
  const classic = r.type.startsWith("aws:") ? ["name", "namePrefix", ...(REPLACING_PROPERTIES[r.type] ?? [])] : [];
  return [...(r.replaceOnChanges ?? []), ...classic];
}

/** A canonical JSON text (sorted keys) so that key order never reads as a change. */
const canonical = (v: unknown): string => JSON.stringify(sortedKeys(v)) ?? "undefined";

/** Top-level properties whose values differ, leaving out those the resource ignores changes to. */
export function changedProperties(before: Record<string, unknown>, after: Record<string, unknown>, ignore: readonly string[] = []): string[] {
  const ignored = new Set(ignore.map((p) => p.split(/[.[]/)[0]));
  if (ignored.has("*")) return [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => !ignored.has(k) && canonical(before[k]) !== canonical(after[k])).sort();
}

export function diffPlans(earlier: readonly PlannedResource[], current: readonly PlannedResource[], against: string): PlanDiff {
  const before = new Map(earlier.map((r) => [r.urn, r]));
  const after = new Map(current.map((r) => [r.urn, r]));
  const create = [...after.keys()].filter((u) => !before.has(u)).sort();
  const del = [...before.keys()].filter((u) => !after.has(u)).sort();
  const update: ChangedResource[] = [];
  const replace: ChangedResource[] = [];
  for (const [urn, now] of [...after].sort(([a], [b]) => a.localeCompare(b))) {
    const was = before.get(urn);
    if (!was) continue;
    const properties = changedProperties(was.inputs, now.inputs, now.ignoreChanges);
    if (properties.length === 0) continue;
    const rules = replacingPaths(now).map((p) => p.split(/[.[]/)[0]);
    const replaces = rules.includes("*") || properties.some((p) => rules.includes(p));
    (replaces ? replace : update).push({ urn, type: now.type, properties });
  }
  return { against, create, update, replace, delete: del };
}

/** A protected resource the diff would replace or delete: `pulumi up` stops on it, so the plan fails here first. */
export function protectedChanges(diff: PlanDiff, earlier: readonly PlannedResource[], current: readonly PlannedResource[]): Diagnostic[] {
  const protectedNow = new Set(current.filter((r) => r.protect).map((r) => r.urn));
  const protectedBefore = new Set(earlier.filter((r) => r.protect).map((r) => r.urn));
  const finding = (urn: string, message: string): Diagnostic => ({
    policy: "protected-resource-survives",
    enforcementLevel: "mandatory",
    urn,
    description: "A protected resource (a table with data, a stream, a key) is never replaced or deleted by a change.",
    message,
  });
  return [
    ...diff.replace
      .filter((c) => protectedNow.has(c.urn) || protectedBefore.has(c.urn))
      .map((c) =>
        finding(
          c.urn,
          `this change replaces the protected resource (changed: ${c.properties.join(", ")}), which pulumi up refuses and which would lose its data. ` +
            `Fix: make the change in place (for a table's schema, an additive migration), or follow the documented new-resource-and-switch procedure.`,
        ),
      ),
    ...diff.delete
      .filter((u) => protectedBefore.has(u))
      .map((u) =>
        finding(
          u,
          `this change deletes the protected resource, which pulumi up refuses. Fix: keep it in the program, or unprotect it in a reviewed change of its own first.`,
        ),
      ),
  ];
}

/**
 * A switch of the gold channel mode that keeps the earlier `goldChannelModeSince`: the 48 h watch would count from the
 * old time (paging at once, or never), and the SPICE re-ingestion id would repeat one QuickSight already holds.
 */
export function modeSwitchFindings(earlier: Record<string, unknown>, current: Record<string, unknown>): Diagnostic[] {
  const mode = (o: Record<string, unknown>) => o.goldChannelMode as { mode?: string; since?: string } | undefined;
  const [was, now] = [mode(earlier), mode(current)];
  if (!was?.mode || !now?.mode || was.mode === now.mode || was.since !== now.since) return [];
  return [
    {
      policy: "rollback-switch-recorded",
      enforcementLevel: "mandatory",
      urn: "",
      description: "A gold channel mode switch records when it happened.",
      message:
        `retail:goldChannelMode switches ${was.mode} -> ${now.mode} but retail:goldChannelModeSince stays ${now.since}. ` +
        `Fix: pulumi config set retail:goldChannelModeSince "$(date -u +%Y-%m-%dT%H:%M:%SZ)" in the same change.`,
    },
  ];
}

/** An earlier plan's resources, read from `file`: errors name the file and the fix (they exit 2). */
export function readEarlierPlan(file: string, cwd: string): { resources: PlannedResource[]; outputs: Record<string, unknown> } | { error: string } {
  const shown = path.relative(cwd, path.resolve(cwd, file)) || file;
  const fix = "Fix: give a file written by `npm run --silent plan -- --stack <s> --json`, e.g. plans/<s>.json.";
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(path.resolve(cwd, file), "utf8"));
  } catch (e) {
    return { error: `--against = ${JSON.stringify(shown)}: ${(e as Error).message}. ${fix}` };
  }
  const resources = (parsed as { resources?: unknown })?.resources;
  const bad = Array.isArray(resources)
    ? resources.findIndex((r) => typeof r?.urn !== "string" || typeof r?.type !== "string" || r?.inputs === null || typeof r?.inputs !== "object")
    : -1;
  if (!Array.isArray(resources) || bad >= 0) {
    const where = Array.isArray(resources) ? `resources[${bad}] has no urn, type and inputs object` : "it has no resources array";
    return { error: `--against = ${JSON.stringify(shown)}: not a plan (${where}). ${fix}` };
  }
  const outputs = (parsed as { outputs?: unknown }).outputs;
  return { resources: resources as PlannedResource[], outputs: outputs && typeof outputs === "object" ? (outputs as Record<string, unknown>) : {} };
}
