import * as kinesis from "@pulumi/aws/kinesis";
import * as kinesisNative from "@pulumi/aws-native/kinesis";
import { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation, validateResourceOfType } from "@pulumi/policy";
import { KINESIS_BYTES_PER_SHARD, KINESIS_RECORDS_PER_SHARD, requiredShards } from "../../core/limits";
import { TAG } from "../../core/tags";
import { policyHeader, settingsFor } from "../config";
import { NUMBER_FORMS_HELP, NumericTag, numericTag, peek, tagsOf, unreadableTag } from "./facts";

/** Shards are sized for the declared peak before the peak: resharding on the day throttles the writers. */

/** The inputs both stream types share (classic aws.kinesis.Stream and aws-native kinesis.Stream). */
interface StreamFacts {
  readonly shardCount?: number;
  readonly streamModeDetails?: { readonly streamMode?: string };
  readonly tags?: unknown;
}

type StreamCheck = (stream: StreamFacts, args: ResourceValidationArgs, report: ReportViolation) => void;

export function onEveryStream(check: StreamCheck) {
  return [validateResourceOfType(kinesis.Stream, check), validateResourceOfType(kinesisNative.Stream, check)];
}

function isOnDemand(stream: StreamFacts): boolean {
  return stream.streamModeDetails?.streamMode === "ON_DEMAND";
}

function declaredPeak(stream: StreamFacts, args: ResourceValidationArgs): { peak: NumericTag; bytes: NumericTag } {
  const tags = tagsOf(stream, args.provider);
  return { peak: numericTag(tags, TAG.peakRecordsPerSecond), bytes: numericTag(tags, TAG.avgRecordBytes) };
}

/** Why a declared value cannot size shards (unreadable, or not a positive number); undefined when it can or is absent. */
function unusable(key: string, t: NumericTag): string | undefined {
  if (t.kind === "unreadable") return unreadableTag(key, t.raw);
  if (t.kind === "number" && !(t.value > 0)) return `${key} = ${t.value} is not a positive number`;
  return undefined;
}

/** The shard count for a message; it may be unknown in preview, which must not disarm a finding about the tags. */
function shardsText(stream: StreamFacts): string {
  const shards = peek(() => stream.shardCount);
  if (!shards.known) return "a shard count unknown until the update";
  return shards.value === undefined ? "no shardCount" : `${shards.value} shard(s)`;
}

export const kinesisShardsForPeak: ResourceValidationPolicy = {
  ...policyHeader(
    "kinesis-shards-for-peak",
    `Provisioned streams have max(ceil(peak records/s ÷ ${KINESIS_RECORDS_PER_SHARD}), ceil(peak bytes/s ÷ 1 MiB)) shards.`,
  ),
  validateResource: onEveryStream((stream, args, report) => {
    if (isOnDemand(stream)) return args.notApplicable("ON_DEMAND streams scale themselves");
    const { peak, bytes } = declaredPeak(stream, args);
    const problems = [unusable(TAG.peakRecordsPerSecond, peak), unusable(TAG.avgRecordBytes, bytes)].filter((p): p is string => !!p);
    if (problems.length > 0) {
      return report(
        `Kinesis stream "${args.name}" is provisioned with ${shardsText(stream)} but declares ${problems.join(" and ")}, so its shards cannot be checked against its peak. ` +
          `Fix: write the peak records/s and the average record size in bytes as ${NUMBER_FORMS_HELP}, greater than 0.`,
      );
    }
    if (peak.kind !== "number" || bytes.kind !== "number") return args.notApplicable("no declared peak (kinesis-peak-declared reports that)");
    const needed = requiredShards(peak.value, bytes.value);
    const shards = stream.shardCount ?? 0;
    if (shards < needed) {
      const mib = ((peak.value * bytes.value) / KINESIS_BYTES_PER_SHARD).toFixed(2);
      report(
        `Kinesis stream "${args.name}" has ${shardsText(stream)} for a declared peak of ${peak.value} records/s × ${bytes.value} bytes (${mib} MiB/s); ` +
          `it needs ${needed} (1 shard per ${KINESIS_RECORDS_PER_SHARD} records/s and per 1 MiB/s of writes). ` +
          `Fix: set shardCount to at least ${needed} before the peak, or use streamMode ON_DEMAND.`,
      );
    }
  }),
};

export const kinesisPeakDeclared: ResourceValidationPolicy = {
  ...policyHeader(
    "kinesis-peak-declared",
    `Provisioned streams declare ${TAG.peakRecordsPerSecond} and ${TAG.avgRecordBytes}, so shards can be sized.`,
  ),
  validateResource: onEveryStream((stream, args, report) => {
    if (isOnDemand(stream)) return args.notApplicable("ON_DEMAND streams scale themselves");
    // Only what is missing: an unreadable value is kinesis-shards-for-peak's (mandatory) finding.
    const { peak, bytes } = declaredPeak(stream, args);
    const missing = [...(peak.kind === "absent" ? [TAG.peakRecordsPerSecond] : []), ...(bytes.kind === "absent" ? [TAG.avgRecordBytes] : [])];
    if (missing.length > 0) {
      report(
        `Kinesis stream "${args.name}" is provisioned with ${shardsText(stream)} but has no ${missing.join(" or ")} tag, so its shards cannot be checked against a peak. ` +
          `Fix: tag it with the peak records/s and the average record size in bytes (positive numbers).`,
      );
    }
  }),
};

export const kinesisPeakLoadTested: ResourceValidationPolicy = {
  ...policyHeader("kinesis-peak-load-tested", "Declared stream peaks stay within the load-tested rate."),
  validateResource: onEveryStream((stream, args, report) => {
    const { maxTestedRecordsPerSecond } = settingsFor<{ maxTestedRecordsPerSecond: number }>("kinesis-peak-load-tested", args);
    const { peak } = declaredPeak(stream, args);
    if (peak.kind !== "number" || !(peak.value > 0)) return args.notApplicable("no readable declared peak");
    if (peak.value > maxTestedRecordsPerSecond) {
      report(
        `Kinesis stream "${args.name}" declares a peak of ${peak.value} records/s; not load-tested above ${maxTestedRecordsPerSecond / 1000}k/s: load-test before the peak. ` +
          `Fix: load-test at ${peak.value} records/s (and raise maxTestedRecordsPerSecond in the pack config), or split the product across streams.`,
      );
    }
  }),
};

export const kinesisPolicies = [kinesisShardsForPeak, kinesisPeakDeclared, kinesisPeakLoadTested];
