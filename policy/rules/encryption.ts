import * as kinesis from "@pulumi/aws/kinesis";
import * as s3tables from "@pulumi/aws/s3tables";
import * as sns from "@pulumi/aws/sns";
import * as sqs from "@pulumi/aws/sqs";
import * as firehoseNative from "@pulumi/aws-native/kinesisfirehose";
import * as kinesisNative from "@pulumi/aws-native/kinesis";
import * as s3tablesNative from "@pulumi/aws-native/s3tables";
import * as snsNative from "@pulumi/aws-native/sns";
import * as sqsNative from "@pulumi/aws-native/sqs";
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { policyHeader } from "../config";

/** Security baseline, every stack (ours or another team's): data at rest is encrypted, whichever provider wrote the resource. */

const TABLE_BUCKET_SSE = ["AES256", "aws:kms"];

function checkTableBucket(enc: { sseAlgorithm?: string; kmsKeyArn?: string } | undefined, args: ResourceValidationArgs, report: ReportViolation) {
  // S3 Tables always encrypts (SSE-S3 when the block is omitted); only a malformed block can weaken it.
  if (!enc) return;
  if (!TABLE_BUCKET_SSE.includes(enc.sseAlgorithm ?? "") || (enc.sseAlgorithm === "aws:kms" && !enc.kmsKeyArn)) {
    report(
      `S3 table bucket "${args.name}" sets encryptionConfiguration {sseAlgorithm: ${JSON.stringify(enc.sseAlgorithm ?? null)}, kmsKeyArn: ${JSON.stringify(enc.kmsKeyArn ?? null)}}; ` +
        `it must be AES256, or aws:kms with a key. Fix: give kmsKeyArn for aws:kms, or omit encryptionConfiguration for AES256.`,
    );
  }
}

function checkTopic(key: string | undefined, args: ResourceValidationArgs, report: ReportViolation) {
  if (!key) {
    report(
      `SNS topic "${args.name}" has no kmsMasterKeyId, so alert payloads (table names, row counts) are stored unencrypted. ` +
        `Fix: set kmsMasterKeyId (a key ARN, or "alias/aws/sns").`,
    );
  }
}

/** Queued messages are at rest: a queue names a KMS key or turns SQS-managed SSE on explicitly. */
function checkQueue(q: { kmsMasterKeyId?: string; sqsManagedSseEnabled?: boolean }, args: ResourceValidationArgs, report: ReportViolation) {
  if (q.kmsMasterKeyId || q.sqsManagedSseEnabled === true) return;
  const found =
    q.sqsManagedSseEnabled === false
      ? "sets sqsManagedSseEnabled = false and no kmsMasterKeyId"
      : "sets neither kmsMasterKeyId nor sqsManagedSseEnabled";
  report(
    `SQS queue "${args.name}" ${found}, so its messages are not known to be encrypted at rest. ` +
      `Fix: set kmsMasterKeyId (a key ARN, or "alias/aws/sqs"), or sqsManagedSseEnabled: true.`,
  );
}

export const encryptionAtRest: ResourceValidationPolicy = {
  ...policyHeader("encryption-at-rest", "Streams, delivery streams, table buckets, topics and queues are encrypted at rest."),
  validateResource: [
    validateResourceOfType(kinesis.Stream, (stream, args, report) => {
      if (stream.encryptionType !== "KMS") {
        report(
          `Kinesis stream "${args.name}" has encryptionType ${JSON.stringify(stream.encryptionType ?? "NONE")}; streams must be encrypted at rest. ` +
            `Fix: set encryptionType "KMS" with kmsKeyId (a key ARN, or "alias/aws/kinesis").`,
        );
      }
    }),
    validateResourceOfType(kinesisNative.Stream, (stream, args, report) => {
      const enc = stream.streamEncryption;
      if (enc?.encryptionType !== "KMS" || !enc.keyId) {
        report(
          `Kinesis stream "${args.name}" has streamEncryption ${JSON.stringify(enc ? { encryptionType: enc.encryptionType ?? null, keyId: enc.keyId ?? null } : null)}; streams must be encrypted at rest. ` +
            `Fix: set streamEncryption {encryptionType: "KMS", keyId: a key ARN or "alias/aws/kinesis"}.`,
        );
      }
    }),
    validateResourceOfType(kinesis.FirehoseDeliveryStream, (fh, args, report) => {
      // With a Kinesis source Firehose keeps no data at rest of its own; the source stream's encryption applies.
      if (fh.kinesisSourceConfiguration) return args.notApplicable("reads from a Kinesis stream, whose encryption is checked on the stream");
      if (fh.serverSideEncryption?.enabled !== true) {
        report(
          `Firehose delivery stream "${args.name}" takes direct PUTs with serverSideEncryption.enabled = ${JSON.stringify(fh.serverSideEncryption?.enabled ?? false)}; ` +
            `buffered records must be encrypted at rest. Fix: set serverSideEncryption {enabled: true, keyType: "AWS_OWNED_CMK" or "CUSTOMER_MANAGED_CMK"}.`,
        );
      }
    }),
    validateResourceOfType(firehoseNative.DeliveryStream, (fh, args, report) => {
      if (fh.kinesisStreamSourceConfiguration || fh.deliveryStreamType === "KinesisStreamAsSource") {
        return args.notApplicable("reads from a Kinesis stream, whose encryption is checked on the stream");
      }
      if (!fh.deliveryStreamEncryptionConfigurationInput?.keyType) {
        report(
          `Firehose delivery stream "${args.name}" takes direct PUTs without deliveryStreamEncryptionConfigurationInput; buffered records must be encrypted at rest. ` +
            `Fix: set deliveryStreamEncryptionConfigurationInput {keyType: "AWS_OWNED_CMK" or "CUSTOMER_MANAGED_CMK" with keyArn}.`,
        );
      }
    }),
    validateResourceOfType(s3tables.TableBucket, (tb, args, report) => checkTableBucket(tb.encryptionConfiguration, args, report)),
    validateResourceOfType(s3tablesNative.TableBucket, (tb, args, report) => checkTableBucket(tb.encryptionConfiguration, args, report)),
    validateResourceOfType(sns.Topic, (topic, args, report) => checkTopic(topic.kmsMasterKeyId, args, report)),
    validateResourceOfType(snsNative.Topic, (topic, args, report) => checkTopic(topic.kmsMasterKeyId, args, report)),
    validateResourceOfType(sqs.Queue, (q, args, report) => checkQueue(q, args, report)),
    validateResourceOfType(sqsNative.Queue, (q, args, report) => checkQueue(q, args, report)),
  ],
};
