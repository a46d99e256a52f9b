import { strict as assert } from "assert";
import { TAG } from "../../core/tags";
import { athenaBytesScannedCutoff, athenaResultsEncrypted, athenaWorkgroupEnforced } from "../../policy/rules/athena";
import { encryptionAtRest } from "../../policy/rules/encryption";
import { kinesisShardsForPeak } from "../../policy/rules/kinesis";
import { spiceRowCap } from "../../policy/rules/spice";
import { Case, runPolicy, tagList } from "./harness";

/** The same checks on the aws-native resources (and the SQS queues) that make the same AWS resource as the classic ones. */

const violations = async (p: Parameters<typeof runPolicy>[0], c: Case) => (await runPolicy(p, c)).violations;

describe("policy: aws-native kinesis.Stream", () => {
  const stream = (
    over: Record<string, any> = {},
    tags: Record<string, string> = { [TAG.peakRecordsPerSecond]: "8000", [TAG.avgRecordBytes]: "1024" },
  ): Case => ({
    type: "aws-native:kinesis:Stream",
    name: "clicks",
    props: {
      shardCount: 8,
      streamModeDetails: { streamMode: "PROVISIONED" },
      streamEncryption: { encryptionType: "KMS", keyId: "alias/aws/kinesis" },
      tags: tagList(tags),
      ...over,
    },
  });

  it("Compliance: 8 shards for 8,000 records/s of 1 KiB, KMS-encrypted", async () => {
    assert.deepEqual(await violations(kinesisShardsForPeak, stream()), []);
    assert.deepEqual(await violations(encryptionAtRest, stream()), []);
  });

  it("Noncompliance 1: one shard short of the peak", async () => {
    assert.deepEqual(await violations(kinesisShardsForPeak, stream({ shardCount: 7 })), [
      'Kinesis stream "clicks" has 7 shard(s) for a declared peak of 8000 records/s × 1024 bytes (7.81 MiB/s); it needs 8 ' +
        "(1 shard per 1000 records/s and per 1 MiB/s of writes). Fix: set shardCount to at least 8 before the peak, or use streamMode ON_DEMAND.",
    ]);
  });

  it("Noncompliance 2: no shardCount at all (the mode defaults to PROVISIONED)", async () => {
    const [v] = await violations(kinesisShardsForPeak, stream({ shardCount: undefined, streamModeDetails: undefined }));
    assert.match(v, /^Kinesis stream "clicks" has no shardCount for a declared peak of 8000 records\/s .* it needs 8 /);
  });

  it("Noncompliance 3: no streamEncryption, or one without a key", async () => {
    assert.deepEqual(await violations(encryptionAtRest, stream({ streamEncryption: undefined })), [
      'Kinesis stream "clicks" has streamEncryption null; streams must be encrypted at rest. Fix: set streamEncryption {encryptionType: "KMS", keyId: a key ARN or "alias/aws/kinesis"}.',
    ]);
    assert.equal((await violations(encryptionAtRest, stream({ streamEncryption: { encryptionType: "KMS" } }))).length, 1);
  });

  it("does not apply to on-demand streams", async () => {
    const out = await runPolicy(kinesisShardsForPeak, stream({ shardCount: undefined, streamModeDetails: { streamMode: "ON_DEMAND" } }));
    assert.deepEqual(out.violations, []);
    assert.ok(out.notApplicable.includes("ON_DEMAND streams scale themselves"));
  });
});

describe("policy: aws-native quicksight.DataSet", () => {
  const dataset = (rows: string, importMode = "SPICE"): Case => ({
    type: "aws-native:quicksight:DataSet",
    name: "sku-velocity",
    props: { awsAccountId: "123456789012", dataSetId: "sku_velocity", importMode, tags: tagList({ [TAG.expectedRows]: rows }) },
  });

  it("Compliance: exactly at the cap; 12M rows in direct query", async () => {
    assert.deepEqual(await violations(spiceRowCap, dataset("10000000")), []);
    assert.deepEqual(await violations(spiceRowCap, dataset("12000000", "DIRECT_QUERY")), []);
  });

  it("Noncompliance 1: 12M rows in SPICE", async () => {
    assert.deepEqual(await violations(spiceRowCap, dataset("12000000")), [
      'QuickSight dataset "sku-velocity" (dataSetId sku_velocity) imports 12,000,000 expected rows into SPICE; the cap is 10,000,000. ' +
        'Fix: set importMode to "DIRECT_QUERY", or aggregate its view below the cap.',
    ]);
  });

  it("Noncompliance 2: the cap raised by 10 % (11M rows) fails", async () => {
    assert.equal((await violations(spiceRowCap, dataset("11000000"))).length, 1);
  });
});

describe("policy: aws-native athena.WorkGroup", () => {
  const workgroup = (configuration: Record<string, any> = {}): Case => ({
    type: "aws-native:athena:WorkGroup",
    name: "kpi",
    props: {
      name: "retail-kpi",
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        resultConfiguration: {
          outputLocation: "s3://r/",
          encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKey: "arn:aws:kms:us-east-1:123456789012:key/k" },
        },
        ...configuration,
      },
    },
  });

  it("Compliance: enforced, cut off, encrypted; results in Athena-managed storage count as encrypted", async () => {
    for (const p of [athenaWorkgroupEnforced, athenaBytesScannedCutoff, athenaResultsEncrypted])
      assert.deepEqual(await violations(p, workgroup()), [], p.name);
    assert.deepEqual(
      await violations(athenaResultsEncrypted, workgroup({ resultConfiguration: undefined, managedQueryResultsConfiguration: { enabled: true } })),
      [],
    );
  });

  it("Noncompliance 1: enforcement not set (CloudFormation documents no default) or false", async () => {
    assert.deepEqual(await violations(athenaWorkgroupEnforced, workgroup({ enforceWorkGroupConfiguration: undefined })), [
      'Athena workgroup "kpi" does not set workGroupConfiguration.enforceWorkGroupConfiguration, so clients can override its cutoff and result encryption. ' +
        "Fix: set enforceWorkGroupConfiguration to true.",
    ]);
    assert.match(
      (await violations(athenaWorkgroupEnforced, workgroup({ enforceWorkGroupConfiguration: false })))[0],
      /sets workGroupConfiguration\.enforceWorkGroupConfiguration = false/,
    );
  });

  it("Noncompliance 2: no bytes cutoff, no configuration at all, and a cutoff under Athena's minimum", async () => {
    assert.deepEqual(await violations(athenaBytesScannedCutoff, workgroup({ bytesScannedCutoffPerQuery: undefined })), [
      'Athena workgroup "kpi" has no bytes-scanned cutoff, so one query can scan the whole lake. ' +
        "Fix: set workGroupConfiguration.bytesScannedCutoffPerQuery between 10000000 and 1099511627776 bytes (retail:athena.bytesScannedCutoffPerQuery in our stacks).",
    ]);
    const bare: Case = { type: "aws-native:athena:WorkGroup", name: "kpi", props: { name: "retail-kpi" } };
    for (const p of [athenaWorkgroupEnforced, athenaBytesScannedCutoff, athenaResultsEncrypted])
      assert.equal((await violations(p, bare)).length, 1, p.name);
    assert.equal((await violations(athenaBytesScannedCutoff, workgroup({ bytesScannedCutoffPerQuery: 1000 }))).length, 1);
  });

  it("Noncompliance 3: results not encrypted", async () => {
    const [v] = await violations(athenaResultsEncrypted, workgroup({ resultConfiguration: { outputLocation: "s3://r/" } }));
    assert.match(v, /has result encryption null; .* Fix: set workGroupConfiguration\.resultConfiguration\.encryptionConfiguration\.encryptionOption/);
  });
});

describe("policy: SQS queues encrypted at rest (classic and aws-native)", () => {
  for (const type of ["aws:sqs/queue:Queue", "aws-native:sqs:Queue"]) {
    const queue = (props: Record<string, any>): Case => ({ type, name: "failures", props });

    it(`Compliance: ${type} with a KMS key, or SQS-managed SSE`, async () => {
      assert.deepEqual(await violations(encryptionAtRest, queue({ kmsMasterKeyId: "alias/aws/sqs" })), []);
      assert.deepEqual(await violations(encryptionAtRest, queue({ sqsManagedSseEnabled: true })), []);
    });

    it(`Noncompliance: ${type} with SQS-managed SSE turned off, or nothing said`, async () => {
      assert.deepEqual(await violations(encryptionAtRest, queue({ sqsManagedSseEnabled: false })), [
        'SQS queue "failures" sets sqsManagedSseEnabled = false and no kmsMasterKeyId, so its messages are not known to be encrypted at rest. ' +
          'Fix: set kmsMasterKeyId (a key ARN, or "alias/aws/sqs"), or sqsManagedSseEnabled: true.',
      ]);
      assert.match((await violations(encryptionAtRest, queue({})))[0], /sets neither kmsMasterKeyId nor sqsManagedSseEnabled/);
    });
  }
});

describe("policy: other aws-native types of the encryption baseline", () => {
  it("Noncompliance: an SNS topic without a key, a direct-PUT delivery stream without SSE, a table bucket on aws:kms without a key", async () => {
    const cases: Case[] = [
      { type: "aws-native:sns:Topic", name: "t", props: {} },
      { type: "aws-native:kinesisfirehose:DeliveryStream", name: "f", props: { deliveryStreamType: "DirectPut" } },
      { type: "aws-native:s3tables:TableBucket", name: "b", props: { encryptionConfiguration: { sseAlgorithm: "aws:kms" } } },
    ];
    for (const c of cases) assert.equal((await violations(encryptionAtRest, c)).length, 1, c.type);
  });

  it("Compliance: the same encrypted; a Kinesis-sourced delivery stream is judged on its stream", async () => {
    const cases: Case[] = [
      { type: "aws-native:sns:Topic", name: "t", props: { kmsMasterKeyId: "alias/aws/sns" } },
      {
        type: "aws-native:kinesisfirehose:DeliveryStream",
        name: "f",
        props: { deliveryStreamEncryptionConfigurationInput: { keyType: "AWS_OWNED_CMK" } },
      },
      { type: "aws-native:kinesisfirehose:DeliveryStream", name: "f", props: { deliveryStreamType: "KinesisStreamAsSource" } },
      { type: "aws-native:s3tables:TableBucket", name: "b", props: {} },
    ];
    for (const c of cases) assert.deepEqual(await violations(encryptionAtRest, c), [], c.type);
  });
});
