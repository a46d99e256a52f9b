import * as kinesis from "@pulumi/aws/kinesis";
import * as s3tables from "@pulumi/aws/s3tables";
import * as sns from "@pulumi/aws/sns";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { policyHeader } from "../config";

/** Security baseline, every stack (ours or another team's): data at rest is encrypted. */

const TABLE_BUCKET_SSE = ["AES256", "aws:kms"];

export const encryptionAtRest: ResourceValidationPolicy = {
  ...policyHeader("encryption-at-rest", "Streams, delivery streams, table buckets and topics are encrypted at rest."),
  validateResource: [
    validateResourceOfType(kinesis.Stream, (stream, args, report) => {
      if (stream.encryptionType !== "KMS") {
        report(
          `Kinesis stream "${args.name}" has encryptionType ${JSON.stringify(stream.encryptionType ?? "NONE")}; streams must be encrypted at rest. ` +
            `Fix: set encryptionType "KMS" with kmsKeyId (a key ARN, or "alias/aws/kinesis").`,
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
    validateResourceOfType(s3tables.TableBucket, (tb, args, report) => {
      // S3 Tables always encrypts (SSE-S3 when the block is omitted); only a malformed block can weaken it.
      const enc = tb.encryptionConfiguration;
      if (!enc) return;
      if (!TABLE_BUCKET_SSE.includes(enc.sseAlgorithm) || (enc.sseAlgorithm === "aws:kms" && !enc.kmsKeyArn)) {
        report(
          `S3 table bucket "${args.name}" sets encryptionConfiguration {sseAlgorithm: ${JSON.stringify(enc.sseAlgorithm)}, kmsKeyArn: ${JSON.stringify(enc.kmsKeyArn ?? null)}}; ` +
            `it must be AES256, or aws:kms with a key. Fix: give kmsKeyArn for aws:kms, or omit encryptionConfiguration for AES256.`,
        );
      }
    }),
    validateResourceOfType(sns.Topic, (topic, args, report) => {
      if (!topic.kmsMasterKeyId) {
        report(
          `SNS topic "${args.name}" has no kmsMasterKeyId, so alert payloads (table names, row counts) are stored unencrypted. ` +
            `Fix: set kmsMasterKeyId (a key ARN, or "alias/aws/sns").`,
        );
      }
    }),
  ],
};
