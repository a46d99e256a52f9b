import * as pulumi from "@pulumi/pulumi";
import * as aws from "./aws";

export interface SecureBucketArgs {
  /** Objects are encrypted with this KMS key by default. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Objects expire after this many days; omit to keep them. */
  readonly expireAfterDays?: number;
  /** Allow `pulumi destroy` to empty the bucket (dev); keep false where data must survive. */
  readonly forceDestroy: boolean;
  readonly tags?: Record<string, string>;
}

/**
 * A private, KMS-encrypted S3 bucket: the one way this platform makes a bucket (errors, scripts,
 * query results), so public access blocks and encryption are never forgotten on one of them.
 */
export function secureBucket(name: string, args: SecureBucketArgs, parent?: pulumi.Resource): aws.s3.Bucket {
  const bucket = new aws.s3.Bucket(name, { forceDestroy: args.forceDestroy, tags: args.tags }, { parent });
  new aws.s3.BucketPublicAccessBlock(
    name,
    { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    { parent },
  );
  new aws.s3.BucketServerSideEncryptionConfiguration(
    name,
    {
      bucket: bucket.id,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }, bucketKeyEnabled: true }],
    },
    { parent },
  );
  if (args.expireAfterDays !== undefined) {
    new aws.s3.BucketLifecycleConfiguration(
      name,
      {
        bucket: bucket.id,
        rules: [{ id: `expire-after-${args.expireAfterDays}-days`, status: "Enabled", filter: {}, expiration: { days: args.expireAfterDays } }],
      },
      { parent },
    );
  }
  return bucket;
}
