import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { policyHeader } from "../config";
import { deferringUnknowns } from "./facts";

/** Security baseline, every stack: buckets are encrypted and block public access (judged on the stack, since both live on separate resources). */

const NATIVE_BUCKET = "aws-native:s3:Bucket";
const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", NATIVE_BUCKET];
const DEFAULT_ALGORITHMS = ["AES256", "aws:kms", "aws:kms:dsse"];
const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

/**
 * Whether `res` points at `bucket` through its `bucket` input: by property dependency, which is known in
 * preview, or, when the input is a literal, by the bucket's name.
 */
function refersToBucket(res: PolicyResource, bucket: PolicyResource): boolean {
  const deps = res.propertyDependencies?.["bucket"];
  if (deps && deps.length > 0) return deps.some((d) => d.urn === bucket.urn);
  const name = bucketName(bucket);
  return name !== undefined && res.props.bucket === name;
}

/** The bucket's name as written: `bucket` on the classic types, `bucketName` on aws-native's. */
function bucketName(b: PolicyResource): string | undefined {
  return b.type === NATIVE_BUCKET ? b.props.bucketName : b.props.bucket;
}

function bucketLabel(b: PolicyResource): string {
  const name = bucketName(b);
  return name ? `S3 bucket "${b.name}" (${name})` : `S3 bucket "${b.name}"`;
}

const unknownBucket = (what: string) => (b: PolicyResource) => `${bucketLabel(b)}'s ${what}`;

export const s3BucketEncrypted: StackValidationPolicy = {
  ...policyHeader("s3-bucket-encrypted", "Every S3 bucket has default server-side encryption configured."),
  validateStack: (args, report) => {
    const buckets = args.resources.filter((r) => BUCKET_TYPES.includes(r.type));
    if (buckets.length === 0) return args.notApplicable("no S3 buckets");
    const sse = args.resources.filter((r) => r.type === "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
    deferringUnknowns(
      buckets,
      (b) => {
        // The separate resource first: a stack policy sees the bucket's outputs, and a new bucket's inline
        // serverSideEncryptionConfiguration output is unknown in a preview; reading it would disarm the check.
        const config = sse.find((s) => refersToBucket(s, b));
        if (!config && b.type === NATIVE_BUCKET) return checkNativeEncryption(b, report);
        if (!config && b.props.serverSideEncryptionConfiguration) return;
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
      },
      unknownBucket("encryption"),
    );
  },
};

/** An aws-native bucket may carry its default encryption inline (bucketEncryption). */
function checkNativeEncryption(b: PolicyResource, report: (message: string, urn?: string) => void): void {
  const rules: any[] = b.props.bucketEncryption?.serverSideEncryptionConfiguration ?? [];
  const algorithms: (string | undefined)[] = rules.map((r) => r?.serverSideEncryptionByDefault?.sseAlgorithm);
  if (algorithms.some((a) => a !== undefined && DEFAULT_ALGORITHMS.includes(a))) return;
  report(
    `${bucketLabel(b)} has ${rules.length === 0 ? "no bucketEncryption" : `bucketEncryption without a default algorithm (found ${JSON.stringify(algorithms.map((a) => a ?? null))})`} ` +
      `and no BucketServerSideEncryptionConfiguration. Fix: set bucketEncryption.serverSideEncryptionConfiguration[0].serverSideEncryptionByDefault.sseAlgorithm "aws:kms" (or "AES256").`,
    b.urn,
  );
}

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
    deferringUnknowns(
      buckets,
      (b) => {
        const block = blocks.find((p) => refersToBucket(p, b));
        // An aws-native bucket may block public access inline; a separate block for it counts too.
        const inline = b.type === NATIVE_BUCKET ? b.props.publicAccessBlockConfiguration : undefined;
        if (!block && inline) {
          const off = PUBLIC_ACCESS_FLAGS.filter((f) => inline[f] !== true);
          if (off.length > 0) {
            report(
              `${bucketLabel(b)}'s publicAccessBlockConfiguration leaves ${off.map((f) => `${f} = ${JSON.stringify(inline[f] ?? false)}`).join(", ")}.${accountNote} ` +
                `Fix: set ${off.join(", ")} to true.`,
              b.urn,
            );
          }
          return;
        }
        if (!block) {
          const inlineFix = b.type === NATIVE_BUCKET ? "set publicAccessBlockConfiguration on it, or " : "";
          report(
            `${bucketLabel(b)} has no BucketPublicAccessBlock.${accountNote} ` +
              `Fix: ${inlineFix}add aws.s3.BucketPublicAccessBlock for it with ${PUBLIC_ACCESS_FLAGS.join(", ")} all true${account ? ", or turn on every setting of the account-level block" : ""}.`,
            b.urn,
          );
          return;
        }
        const off = PUBLIC_ACCESS_FLAGS.filter((f) => block.props[f] !== true);
        if (off.length > 0) {
          report(
            `${bucketLabel(b)}'s BucketPublicAccessBlock "${block.name}" leaves ${off.map((f) => `${f} = ${JSON.stringify(block.props[f] ?? false)}`).join(", ")}. ` +
              `Fix: set ${off.join(", ")} to true.`,
            b.urn,
          );
        }
      },
      unknownBucket("public access block"),
    );
  },
};
