import * as kinesis from "@pulumi/aws/kinesis";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { KINESIS_BYTES_PER_SHARD, KINESIS_RECORDS_PER_SHARD, requiredShards } from "../../core/limits";
import { TAG } from "../../core/tags";
import { policyHeader, settingsFor } from "../config";
import { numericTag, tagsOf } from "./facts";

/** Shards are sized for the declared peak before the peak: resharding on the day throttles the writers. */

function isOnDemand(stream: { streamModeDetails?: { streamMode?: string } }): boolean {
  return stream.streamModeDetails?.streamMode === "ON_DEMAND";
}

function declaredPeak(stream: { tags?: unknown }): { peak?: number; bytes?: number } {
  const tags = tagsOf(stream);
  return { peak: numericTag(tags, TAG.peakRecordsPerSecond), bytes: numericTag(tags, TAG.avgRecordBytes) };
}

const valid = (n: number | undefined): n is number => n !== undefined && n > 0 && Number.isFinite(n);

export const kinesisShardsForPeak: ResourceValidationPolicy = {
  ...policyHeader(
    "kinesis-shards-for-peak",
    `Provisioned streams have max(ceil(peak records/s ÷ ${KINESIS_RECORDS_PER_SHARD}), ceil(peak bytes/s ÷ 1 MiB)) shards.`,
  ),
  validateResource: validateResourceOfType(kinesis.Stream, (stream, args, report) => {
    if (isOnDemand(stream)) return args.notApplicable("ON_DEMAND streams scale themselves");
    const { peak, bytes } = declaredPeak(stream);
    if (!valid(peak) || !valid(bytes)) return args.notApplicable("no declared peak (kinesis-peak-declared reports that)");
    const needed = requiredShards(peak, bytes);
    const shards = stream.shardCount ?? 0;
    if (shards < needed) {
      const mib = ((peak * bytes) / KINESIS_BYTES_PER_SHARD).toFixed(2);
      report(
        `Kinesis stream "${args.name}" has ${shards} shard(s) for a declared peak of ${peak} records/s × ${bytes} bytes (${mib} MiB/s); ` +
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
  validateResource: validateResourceOfType(kinesis.Stream, (stream, args, report) => {
    if (isOnDemand(stream)) return args.notApplicable("ON_DEMAND streams scale themselves");
    const tags = tagsOf(stream);
    const { peak, bytes } = declaredPeak(stream);
    const missing = [
      ...(valid(peak) ? [] : [`${TAG.peakRecordsPerSecond} = ${JSON.stringify(tags[TAG.peakRecordsPerSecond] ?? null)}`]),
      ...(valid(bytes) ? [] : [`${TAG.avgRecordBytes} = ${JSON.stringify(tags[TAG.avgRecordBytes] ?? null)}`]),
    ];
    if (missing.length > 0) {
      report(
        `Kinesis stream "${args.name}" is provisioned with ${stream.shardCount ?? 0} shard(s) but declares ${missing.join(", ")}, so its shards cannot be checked against a peak. ` +
          `Fix: tag it with the peak records/s and the average record size in bytes (positive numbers).`,
      );
    }
  }),
};

export const kinesisPeakLoadTested: ResourceValidationPolicy = {
  ...policyHeader("kinesis-peak-load-tested", "Declared stream peaks stay within the load-tested rate."),
  validateResource: validateResourceOfType(kinesis.Stream, (stream, args, report) => {
    const { maxTestedRecordsPerSecond } = settingsFor<{ maxTestedRecordsPerSecond: number }>("kinesis-peak-load-tested", args);
    const { peak } = declaredPeak(stream);
    if (!valid(peak)) return args.notApplicable("no declared peak");
    if (peak > maxTestedRecordsPerSecond) {
      report(
        `Kinesis stream "${args.name}" declares a peak of ${peak} records/s; not load-tested above ${maxTestedRecordsPerSecond / 1000}k/s: load-test before the peak. ` +
          `Fix: load-test at ${peak} records/s (and raise maxTestedRecordsPerSecond in the pack config), or split the product across streams.`,
      );
    }
  }),
};

export const kinesisPolicies = [kinesisShardsForPeak, kinesisPeakDeclared, kinesisPeakLoadTested];
