import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import { BatchLaneArgs, validateBatchLaneArgs } from "../../components/batchLane";
import { LaneLakehouse, validateIcebergNamespaceArgs } from "../../components/icebergNamespace";
import { StreamingLaneArgs, validateStreamingLaneArgs } from "../../components/streamingLane";
import { parseCreateTable } from "../../core/tables";
import { ACCOUNT } from "../support/arns";

// Components validate their args before creating any child; the validators are pure, so each rule is
// checked here on one happy-path args object with one field changed. Validation never reads the lakehouse.
const lakehouse = {} as LaneLakehouse;

const stream: StreamingLaneArgs = {
  account: ACCOUNT,
  product: "cart_events",
  peakRecordsPerSecond: 8000,
  avgRecordBytes: 1024,
  capacityMode: "provisioned",
  freshnessMinutes: 5,
  retentionHours: 168,
  kmsKeyArn: "k",
  lakehouse,
  alarmTopicArn: "a",
  protect: true,
};

const batch: BatchLaneArgs = {
  account: ACCOUNT,
  product: "loyalty_tier",
  lane: "batch-daily",
  sourceKind: "s3",
  sourceUri: "s3://exports/tier/",
  workers: 2,
  timeoutMinutes: 60,
  kmsKeyArn: "k",
  lakehouse,
  scriptBucket: "s",
  scriptBucketArn: "s",
  alarmTopicArn: "a",
};

describe("component validators", () => {
  it("StreamingLane: accepts the prod cart lane and names each bad field", () => {
    validateStreamingLaneArgs(stream);
    assert.throws(() => validateStreamingLaneArgs({ ...stream, product: "Cart-Events" }), /product must be a lowercase table name/);
    assert.throws(() => validateStreamingLaneArgs({ ...stream, peakRecordsPerSecond: 0 }), /peakRecordsPerSecond = 0 must be a whole number >= 1/);
    assert.throws(() => validateStreamingLaneArgs({ ...stream, avgRecordBytes: 2 * 1024 * 1024 }), /avgRecordBytes = 2097152 must be 1 to 1048576/);
    assert.throws(() => validateStreamingLaneArgs({ ...stream, product: "Cart-Events" }), pulumi.ResourceError);
  });

  it("BatchLane: accepts an s3 daily lane and refuses missing sources, a stray network and a timeout at the cadence", () => {
    validateBatchLaneArgs(batch);
    assert.throws(() => validateBatchLaneArgs({ ...batch, sourceUri: undefined }), /sourceKind "s3" needs sourceUri/);
    assert.throws(
      () => validateBatchLaneArgs({ ...batch, sourceKind: "jdbc", connectionSecretName: "x" }),
      /sourceKind "jdbc" needs connectionSecretName and a network/,
    );
    assert.throws(
      () => validateBatchLaneArgs({ ...batch, network: { vpcId: "v", subnetId: "s", availabilityZone: "a" } }),
      /an s3 source does not use a VPC connection/,
    );
    assert.throws(() => validateBatchLaneArgs({ ...batch, sourceUri: undefined }), pulumi.ResourceError);
  });

  it("IcebergNamespace: refuses bad compaction sizes, snapshot ages, foreign namespaces and duplicate tables", () => {
    const t = parseCreateTable("-- retail:table semantics=snapshot\nCREATE TABLE retail_silver.dim (id string);", "dim.sql");
    const ok = { account: ACCOUNT, tables: [t], maxSnapshotAgeHours: 120, protect: false };
    validateIcebergNamespaceArgs(ok);
    assert.throws(
      () => validateIcebergNamespaceArgs({ ...ok, compactionTargetFileSizeMb: 32 }),
      /compactionTargetFileSizeMb = 32 must be a whole number from 64 to 512/,
    );
    assert.throws(() => validateIcebergNamespaceArgs({ ...ok, maxSnapshotAgeHours: 0 }), /maxSnapshotAgeHours = 0/);
    assert.throws(
      () => validateIcebergNamespaceArgs({ ...ok, tables: [{ ...t, namespace: "scratch" }] }),
      /is in namespace "scratch"; use one of retail_bronze, retail_silver, retail_gold/,
    );
    assert.throws(() => validateIcebergNamespaceArgs({ ...ok, tables: [t, t] }), /table retail_silver\.dim is defined twice/);
  });
});
