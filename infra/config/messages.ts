import { z } from "zod";
import { LANES } from "../../core/lanes";
import {
  ATHENA_MIN_BYTES_SCANNED_CUTOFF,
  AWS_NAME_RULES,
  CLOUDWATCH_LOG_RETENTION_DAYS,
  MERGE_HORIZON_DAYS,
  RAW_EMAIL_RETENTION_MAX_DAYS,
  RAW_EMAIL_RETENTION_MIN_DAYS,
  RERESOLVE_HORIZON_DEFAULT_DAYS,
  RERESOLVE_HORIZON_MAX_DAYS,
  RERESOLVE_HORIZON_MIN_DAYS,
  RECONCILE_ARRIVAL_DAYS,
  SPICE_ROW_CAP,
} from "../../core/limits";
import { CONFIG_NAMESPACE } from "./schema";

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
  goldChannelModeSince: "set it to the UTC time the current mode began, e.g. $(date -u +%Y-%m-%dT%H:%M:%SZ), whenever you switch the mode",
  reconcileTolerance: "give a fraction from 0 to 0.5, e.g. 0.001",
  reconcileHourUtc: "give an hour 0 to 23 after the daily batch window",
  logRetentionDays: `give one of CloudWatch Logs' retention values, ${CLOUDWATCH_LOG_RETENTION_DAYS.join(", ")} days`,
  baselineRefreshHours: "give the dashboards' refresh lag before this platform in hours, e.g. 26 (the nightly warehouse)",
  enabled: "set retail:canary.enabled to true (measure freshness) or false",
  intervalMinutes: "give whole minutes from 1 to 60, e.g. 15",
  bridgeCoverageMin: "give a share from 0 to 1 of purchases that must carry a loyalty_id, e.g. 0.95",
  rawEmailRetentionDays:
    `give whole days from ${RAW_EMAIL_RETENTION_MIN_DAYS} to ${RAW_EMAIL_RETENTION_MAX_DAYS}, e.g. 30: at least the ${MERGE_HORIZON_DAYS}-day merge horizon + ` +
    `${RECONCILE_ARRIVAL_DAYS} days of arrivals reconciliation reads + 1 (it runs the next day), so no scrubbed row is re-keyed before it is reconciled`,
  reresolveHorizonDays:
    `give whole days from ${RERESOLVE_HORIZON_MIN_DAYS} (the merge horizon) to ${RERESOLVE_HORIZON_MAX_DAYS}, e.g. ${RERESOLVE_HORIZON_DEFAULT_DAYS}, ` +
    "no more than retail:privacy.rawEmailRetentionDays",
  vpcCidr: "give an IPv4 CIDR such as 10.40.0.0/16",
  availabilityZones: "give 2 or 3",
  ownerGroups: "map each owner team to its QuickSight group name",
  authorGroup: "name the QuickSight group that authors the dashboards, e.g. retail-platform-authors",
  namespace: `give the QuickSight namespace, usually "default": up to ${AWS_NAME_RULES.quicksightNamespace.maxLength} ${AWS_NAME_RULES.quicksightNamespace.characters}`,
};

function keyPath(path: readonly PropertyKey[]): string {
  return `${CONFIG_NAMESPACE}:` + path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}

export function show(v: unknown): string {
  return v === undefined ? "(missing)" : JSON.stringify(v);
}

export function describeIssue(issue: z.core.$ZodIssue, secretKeys: ReadonlySet<string>): string[] {
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
