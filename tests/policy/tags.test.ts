import { strict as assert } from "assert";
import { TAG } from "../../core/tags";
import { readNumber } from "../../policy/rules/facts";
import { kinesisPeakDeclared, kinesisShardsForPeak } from "../../policy/rules/kinesis";
import { spiceExpectedRowsDeclared, spiceRowCap } from "../../policy/rules/spice";
import { Case, runPolicy, tagList, UNKNOWN_STRING } from "./harness";

/** Numeric tags are read strictly: the common forms of a number, and anything else is a mandatory "unreadable" finding. */

describe("policy tags: the forms of a number that are read", () => {
  const read: [string, number][] = [
    ["12000000", 12_000_000],
    ["12,000,000", 12_000_000],
    ["1.2e7", 12_000_000],
    ["1.2E+7", 12_000_000],
    [" 8000 ", 8000],
    ["8,000", 8000],
    ["512.5", 512.5],
  ];
  for (const [raw, value] of read) it(`reads ${JSON.stringify(raw)} as ${value}`, () => assert.deepEqual(readNumber(raw), { kind: "number", value }));

  for (const raw of ["", "8k", "12M", "600KiB", "1,2000", "12.000.000", "12 000 000", "-5", "0x10", "Infinity", "1e400", "about 5M", "1,000.5.1"]) {
    it(`does not read ${JSON.stringify(raw)}`, () => assert.deepEqual(readNumber(raw), { kind: "unreadable", raw }));
  }
});

const dataset = (rows: string | undefined, native = false): Case => {
  const tags: Record<string, string> = rows === undefined ? {} : { [TAG.expectedRows]: rows };
  return native
    ? { type: "aws-native:quicksight:DataSet", name: "big", props: { dataSetId: "big", importMode: "SPICE", tags: tagList(tags) } }
    : { type: "aws:quicksight/dataSet:DataSet", name: "big", props: { dataSetId: "big", importMode: "SPICE", tags } };
};

describe("policy tags: SPICE expected rows", () => {
  for (const rows of ["12,000,000", "1.2e7"]) {
    it(`Noncompliance: ${rows} rows is read, and over the cap (classic and aws-native)`, async () => {
      for (const native of [false, true]) {
        const out = await runPolicy(spiceRowCap, dataset(rows, native));
        assert.match(out.violations[0] ?? "", /imports 12,000,000 expected rows into SPICE; the cap is 10,000,000/);
      }
    });
  }

  for (const rows of ["12M", "600KiB", ""]) {
    it(`Noncompliance: ${JSON.stringify(rows)} is a mandatory "unreadable" finding, not a nudge`, async () => {
      assert.equal(spiceRowCap.enforcementLevel, "mandatory");
      assert.deepEqual((await runPolicy(spiceRowCap, dataset(rows))).violations, [
        `QuickSight dataset "big" (dataSetId big) imports into SPICE with retail:expected-rows = ${JSON.stringify(rows)} is unreadable as a number, so the SPICE row cap (10,000,000) cannot be checked. ` +
          "Fix: write the expected row count as a plain number such as 12000000 (also read: 12,000,000, 1.5 and 1.2e7; no units or suffixes such as k, M or KiB).",
      ]);
      assert.deepEqual((await runPolicy(spiceExpectedRowsDeclared, dataset(rows))).violations, [], "not reported twice");
    });
  }

  it("Compliance: 2,000,000 rows", async () => {
    assert.deepEqual((await runPolicy(spiceRowCap, dataset("2,000,000"))).violations, []);
  });
});

const stream = (tags: Record<string, string>, shardCount = 2, provider?: Case["provider"]): Case => ({
  type: "aws:kinesis/stream:Stream",
  name: "clicks",
  props: { shardCount, encryptionType: "KMS", kmsKeyId: "alias/aws/kinesis", tags },
  provider,
});

describe("policy tags: Kinesis peak and record size", () => {
  it("Noncompliance: a peak of 8,000 is read and needs 8 shards", async () => {
    const [v] = (await runPolicy(kinesisShardsForPeak, stream({ [TAG.peakRecordsPerSecond]: "8,000", [TAG.avgRecordBytes]: "512" }))).violations;
    assert.match(v, /has 2 shard\(s\) for a declared peak of 8000 records\/s × 512 bytes .* it needs 8 /);
  });

  it('Noncompliance: a peak of "8k" and bytes of "600KiB" are both unreadable, mandatory', async () => {
    const out = await runPolicy(kinesisShardsForPeak, stream({ [TAG.peakRecordsPerSecond]: "8k", [TAG.avgRecordBytes]: "600KiB" }));
    assert.deepEqual(out.violations, [
      'Kinesis stream "clicks" is provisioned with 2 shard(s) but declares retail:peak-records-per-second = "8k" is unreadable as a number and retail:avg-record-bytes = "600KiB" is unreadable as a number, ' +
        "so its shards cannot be checked against its peak. Fix: write the peak records/s and the average record size in bytes as a plain number such as 12000000 " +
        "(also read: 12,000,000, 1.5 and 1.2e7; no units or suffixes such as k, M or KiB), greater than 0.",
    ]);
    assert.deepEqual(
      (await runPolicy(kinesisPeakDeclared, stream({ [TAG.peakRecordsPerSecond]: "8k", [TAG.avgRecordBytes]: "600KiB" }))).violations,
      [],
    );
  });

  it("Noncompliance: a peak of 0 cannot size shards", async () => {
    const [v] = (await runPolicy(kinesisShardsForPeak, stream({ [TAG.peakRecordsPerSecond]: "0", [TAG.avgRecordBytes]: "512" }))).violations;
    assert.match(v, /declares retail:peak-records-per-second = 0 is not a positive number/);
  });

  it("stays mandatory on an unreadable tag when the shard count is unknown in preview", async () => {
    const out = await runPolicy(
      kinesisShardsForPeak,
      stream({ [TAG.peakRecordsPerSecond]: "8k", [TAG.avgRecordBytes]: "512" }, UNKNOWN_STRING as unknown as number),
    );
    assert.equal(out.unknown, undefined);
    assert.match(out.violations[0], /is provisioned with a shard count unknown until the update but declares retail:peak-records-per-second = "8k"/);
  });
});

describe("policy tags: provider defaultTags count", () => {
  const classicProvider = (tags: Record<string, string>) => ({
    type: "pulumi:providers:aws",
    props: { region: "us-east-1", defaultTags: JSON.stringify({ tags }) },
  });
  const nativeProvider = (tags: Record<string, string>) => ({
    type: "pulumi:providers:aws-native",
    props: { region: "us-east-1", defaultTags: JSON.stringify({ tags }) },
  });

  it("Noncompliance: a peak declared only in the classic provider's defaultTags sizes the stream", async () => {
    const out = await runPolicy(
      kinesisShardsForPeak,
      stream({}, 2, classicProvider({ [TAG.peakRecordsPerSecond]: "8000", [TAG.avgRecordBytes]: "512" })),
    );
    assert.match(out.violations[0] ?? "", /has 2 shard\(s\) for a declared peak of 8000 records\/s × 512 bytes/);
  });

  it("Noncompliance: an unreadable default tag is unreadable too; expected rows from the aws-native provider's defaultTags", async () => {
    const bad = await runPolicy(
      kinesisShardsForPeak,
      stream({ [TAG.avgRecordBytes]: "512" }, 2, classicProvider({ [TAG.peakRecordsPerSecond]: "8k" })),
    );
    assert.match(bad.violations[0] ?? "", /retail:peak-records-per-second = "8k" is unreadable/);
    const ds = await runPolicy(spiceRowCap, { ...dataset(undefined, true), provider: nativeProvider({ [TAG.expectedRows]: "12000000" }) });
    assert.match(ds.violations[0] ?? "", /imports 12,000,000 expected rows into SPICE/);
  });

  it("Compliance: the resource's own tag wins over the provider's, as AWS applies them; defaults given as an object read too", async () => {
    const own = stream(
      { [TAG.peakRecordsPerSecond]: "1000", [TAG.avgRecordBytes]: "512" },
      1,
      classicProvider({ [TAG.peakRecordsPerSecond]: "8000" }),
    );
    assert.deepEqual((await runPolicy(kinesisShardsForPeak, own)).violations, []);
    const asObject = stream({ [TAG.avgRecordBytes]: "512" }, 2, {
      type: "pulumi:providers:aws",
      props: { defaultTags: { tags: { [TAG.peakRecordsPerSecond]: "8000" } } },
    });
    assert.equal((await runPolicy(kinesisShardsForPeak, asObject)).violations.length, 1);
  });

  it("reads the provider only for a key the resource lacks, so unknown defaults do not disarm a resource that tags itself", async () => {
    const unknownDefaults = { type: "pulumi:providers:aws", props: { defaultTags: UNKNOWN_STRING } };
    const tagged = await runPolicy(
      kinesisShardsForPeak,
      stream({ [TAG.peakRecordsPerSecond]: "8000", [TAG.avgRecordBytes]: "512" }, 2, unknownDefaults),
    );
    assert.equal(tagged.unknown, undefined);
    assert.equal(tagged.violations.length, 1);
    const untagged = await runPolicy(kinesisShardsForPeak, stream({}, 2, unknownDefaults));
    assert.match(untagged.unknown ?? "", /value at \.defaultTags can't be known during preview/);
  });
});
