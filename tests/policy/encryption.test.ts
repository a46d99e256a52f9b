import { strict as assert } from "assert";
import { encryptionAtRest } from "../../policy/rules/encryption";
import { runPolicy } from "./harness";

const STREAM_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/cart-events";

describe("policy: encryption at rest", () => {
  const cases = {
    stream: {
      type: "aws:kinesis/stream:Stream",
      name: "cart-events",
      props: { shardCount: 1, encryptionType: "KMS", kmsKeyId: "alias/aws/kinesis" },
    },
    topic: { type: "aws:sns/topic:Topic", name: "alerts", props: { kmsMasterKeyId: "alias/aws/sns" } },
    tableBucket: {
      type: "aws:s3tables/tableBucket:TableBucket",
      name: "lake",
      props: { name: "lake", encryptionConfiguration: { sseAlgorithm: "aws:kms", kmsKeyArn: "arn:k" } },
    },
    directPut: {
      type: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
      name: "clicks",
      props: { destination: "iceberg", serverSideEncryption: { enabled: true } },
    },
  };

  it("Compliance: each type encrypted", async () => {
    for (const [k, c] of Object.entries(cases)) assert.deepEqual((await runPolicy(encryptionAtRest, c)).violations, [], k);
  });

  it("Compliance: a table bucket without the block (S3 Tables defaults to AES256)", async () => {
    assert.deepEqual((await runPolicy(encryptionAtRest, { ...cases.tableBucket, props: { name: "lake" } })).violations, []);
  });

  it("Noncompliance 1: an unencrypted stream", async () => {
    const out = await runPolicy(encryptionAtRest, { ...cases.stream, props: { shardCount: 1, encryptionType: "NONE" } });
    assert.deepEqual(out.violations, [
      'Kinesis stream "cart-events" has encryptionType "NONE"; streams must be encrypted at rest. Fix: set encryptionType "KMS" with kmsKeyId (a key ARN, or "alias/aws/kinesis").',
    ]);
  });

  it("Noncompliance 2: an SNS topic without a key", async () => {
    const out = await runPolicy(encryptionAtRest, { ...cases.topic, props: {} });
    assert.match(out.violations[0], /^SNS topic "alerts" has no kmsMasterKeyId, .* Fix: set kmsMasterKeyId/);
  });

  it("Noncompliance 3: a direct-PUT Firehose without SSE; a Kinesis-sourced one is judged on its stream", async () => {
    const out = await runPolicy(encryptionAtRest, { ...cases.directPut, props: { destination: "iceberg" } });
    assert.match(out.violations[0], /^Firehose delivery stream "clicks" takes direct PUTs with serverSideEncryption.enabled = false; /);
    const sourced = await runPolicy(encryptionAtRest, {
      ...cases.directPut,
      props: { destination: "iceberg", kinesisSourceConfiguration: { kinesisStreamArn: STREAM_ARN, roleArn: "arn:r" } },
    });
    assert.deepEqual(sourced.violations, []);
  });

  it("Noncompliance 4: a table bucket on aws:kms without a key", async () => {
    const out = await runPolicy(encryptionAtRest, {
      ...cases.tableBucket,
      props: { name: "lake", encryptionConfiguration: { sseAlgorithm: "aws:kms" } },
    });
    assert.match(out.violations[0], /^S3 table bucket "lake" sets encryptionConfiguration \{sseAlgorithm: "aws:kms", kmsKeyArn: null\}/);
  });
});
