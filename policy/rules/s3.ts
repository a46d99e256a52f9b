import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { policyHeader } from "../config";

/** Security baseline, every stack: buckets are encrypted and block public access (judged on the stack, since both live on separate resources). */

const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

/**
 * Whether `res` points at `bucket` through its `bucket` input: by property dependency, which is known in
 * preview, or, when the input is a literal, by the bucket's name.
 */
function refersToBucket(res: PolicyResource, bucket: PolicyResource): boolean {
  const deps = res.propertyDependencies?.["bucket"];
  if (deps && deps.length > 0) return deps.some((d) => d.urn === bucket.urn);
  return bucket.props.bucket !== undefined && res.props.bucket === bucket.props.bucket;
}

function bucketLabel(b: PolicyResource): string {
  return b.props.bucket ? `S3 bucket "${b.name}" (${b.props.bucket})` : `S3 bucket "${b.name}"`;
}

export const s3BucketEncrypted: StackValidationPolicy = {
  ...policyHeader("s3-bucket-encrypted", "Every S3 bucket has default server-side encryption configured."),
  validateStack: (args, report) => {
    const buckets = args.resources.filter((r) => BUCKET_TYPES.includes(r.type));
    if (buckets.length === 0) return args.notApplicable("no S3 buckets");
    const sse = args.resources.filter((r) => r.type === "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
    for (const b of buckets) {
      // The separate resource first: a stack policy sees the bucket's outputs, and a new bucket's inline
      // serverSideEncryptionConfiguration output is unknown in a preview; reading it would disarm the check.
      const config = sse.find((s) => refersToBucket(s, b));
      if (!config && b.props.serverSideEncryptionConfiguration) continue;
      const algorithms: string[] = (config?.props.rules ?? []).map((r: any) => r.applyServerSideEncryptionByDefault?.sseAlgorithm);
      if (!config) {
        report(
          `${bucketLabel(b)} has no BucketServerSideEncryptionConfiguration. Fix: add aws.s3.BucketServerSideEncryptionConfiguration ` +
            `for it with applyServerSideEncryptionByDefault.sseAlgorithm "aws:kms" (or "AES256").`,
          b.urn,
        );
      } else if (!algorithms.some((a) => a === "AES256" || a?.startsWith("aws:kms"))) {
        report(
          `${bucketLabel(b)} has a BucketServerSideEncryptionConfiguration without a default algorithm (found ${JSON.stringify(algorithms)}). ` +
            `Fix: set rules[0].applyServerSideEncryptionByDefault.sseAlgorithm to "aws:kms" or "AES256".`,
          b.urn,
        );
      }
    }
  },
};

export const s3BucketPublicAccessBlocked: StackValidationPolicy = {
  ...policyHeader("s3-bucket-public-access-blocked", "Every S3 bucket blocks public access (all four settings)."),
  validateStack: (args, report) => {
    const buckets = args.resources.filter((r) => BUCKET_TYPES.includes(r.type));
    if (buckets.length === 0) return args.notApplicable("no S3 buckets");
    const account = args.resources.find((r) => r.type === "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock");
    const accountOff = account ? PUBLIC_ACCESS_FLAGS.filter((f) => account.props[f] !== true) : [];
    if (account && accountOff.length === 0) return;
    // A partial account-level block covers nothing; say why it did not count, so nobody hunts for the bucket's block.
    const accountNote = account ? ` The AccountPublicAccessBlock "${account.name}" does not cover it: it leaves ${accountOff.join(", ")} off.` : "";
    const blocks = args.resources.filter((r) => r.type === "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
    for (const b of buckets) {
      const block = blocks.find((p) => refersToBucket(p, b));
      if (!block) {
        report(
          `${bucketLabel(b)} has no BucketPublicAccessBlock.${accountNote} ` +
            `Fix: add aws.s3.BucketPublicAccessBlock for it with ${PUBLIC_ACCESS_FLAGS.join(", ")} all true${account ? ", or turn on every setting of the account-level block" : ""}.`,
          b.urn,
        );
        continue;
      }
      const off = PUBLIC_ACCESS_FLAGS.filter((f) => block.props[f] !== true);
      if (off.length > 0) {
        report(
          `${bucketLabel(b)}'s BucketPublicAccessBlock "${block.name}" leaves ${off.map((f) => `${f} = ${JSON.stringify(block.props[f] ?? false)}`).join(", ")}. ` +
            `Fix: set ${off.join(", ")} to true.`,
          b.urn,
        );
      }
    }
  },
};
