import { strict as assert } from "assert";
import { TAG } from "../../core/tags";
import { kinesisPeakDeclared, kinesisPeakLoadTested, kinesisShardsForPeak } from "../../policy/rules/kinesis";
import { runPolicy, UNKNOWN_STRING } from "./harness";

const stream = (shardCount: number | undefined, peak?: string, bytes = "1024", over: Record<string, any> = {}) => ({
  type: "aws:kinesis/stream:Stream",
  name: "cart-events",
  props: {
    shardCount,
    streamModeDetails: { streamMode: "PROVISIONED" },
    encryptionType: "KMS",
    tags: { ...(peak ? { [TAG.peakRecordsPerSecond]: peak } : {}), ...(bytes ? { [TAG.avgRecordBytes]: bytes } : {}) },
    ...over,
  },
});

describe("policy: Kinesis shards for the declared peak", () => {
  it("Compliance: 8 shards for 8,000 records/s of 1 KiB", async () => {
    assert.deepEqual((await runPolicy(kinesisShardsForPeak, stream(8, "8000"))).violations, []);
  });

  it("Noncompliance 1: 2 shards for 8,000 records/s", async () => {
    const out = await runPolicy(kinesisShardsForPeak, stream(2, "8000"));
    assert.deepEqual(out.violations, [
      'Kinesis stream "cart-events" has 2 shard(s) for a declared peak of 8000 records/s × 1024 bytes (7.81 MiB/s); it needs 8 ' +
        "(1 shard per 1000 records/s and per 1 MiB/s of writes). Fix: set shardCount to at least 8 before the peak, or use streamMode ON_DEMAND.",
    ]);
  });

  it("Noncompliance 2: bytes bind before records (500 records/s of 5 KiB needs 3)", async () => {
    const out = await runPolicy(kinesisShardsForPeak, stream(1, "500", "5120"));
    assert.match(out.violations[0], /has 1 shard\(s\) for a declared peak of 500 records\/s × 5120 bytes \(2.44 MiB\/s\); it needs 3 /);
  });

  it("does not apply to on-demand streams or undeclared peaks", async () => {
    const onDemand = await runPolicy(kinesisShardsForPeak, stream(undefined, "8000", "1024", { streamModeDetails: { streamMode: "ON_DEMAND" } }));
    assert.ok(onDemand.notApplicable.includes("ON_DEMAND streams scale themselves"), JSON.stringify(onDemand.notApplicable));
    assert.deepEqual((await runPolicy(kinesisShardsForPeak, stream(1))).violations, []);
  });

  it("reports an unknown shard count the way preview does (advisory), not as a pass", async () => {
    const out = await runPolicy(kinesisShardsForPeak, stream(UNKNOWN_STRING as unknown as number, "8000"));
    assert.match(out.unknown ?? "", /value at \.shardCount can't be known during preview/);
  });
});

describe("policy: Kinesis peak declared (advisory)", () => {
  it("Compliance: both tags", async () => {
    assert.deepEqual((await runPolicy(kinesisPeakDeclared, stream(8, "8000"))).violations, []);
  });

  it("Noncompliance 1: no peak tag", async () => {
    const out = await runPolicy(kinesisPeakDeclared, stream(2));
    assert.deepEqual(out.violations, [
      'Kinesis stream "cart-events" is provisioned with 2 shard(s) but has no retail:peak-records-per-second tag, so its shards cannot be checked against a peak. ' +
        "Fix: tag it with the peak records/s and the average record size in bytes (positive numbers).",
    ]);
  });
});

describe("policy: Kinesis peak within the load-tested rate (advisory)", () => {
  it("Compliance: exactly 8,000 records/s", async () => {
    assert.deepEqual((await runPolicy(kinesisPeakLoadTested, stream(8, "8000"))).violations, []);
  });

  it("Noncompliance 1: 9,000 records/s", async () => {
    const out = await runPolicy(kinesisPeakLoadTested, stream(9, "9000"));
    assert.equal(kinesisPeakLoadTested.enforcementLevel, "advisory");
    assert.deepEqual(out.violations, [
      'Kinesis stream "cart-events" declares a peak of 9000 records/s; not load-tested above 8k/s: load-test before the peak. ' +
        "Fix: load-test at 9000 records/s (and raise maxTestedRecordsPerSecond in the pack config), or split the product across streams.",
    ]);
    assert.deepEqual((await runPolicy(kinesisShardsForPeak, stream(9, "9000"))).violations, [], "correctly sized: only the advisory fires");
  });

  it("reads the tested rate from the pack config", async () => {
    assert.deepEqual((await runPolicy(kinesisPeakLoadTested, { ...stream(9, "9000"), config: { maxTestedRecordsPerSecond: 10000 } })).violations, []);
  });
});
