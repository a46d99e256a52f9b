import * as aws from "../aws";
import {
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  ReportViolation,
  StackValidationPolicy,
  validateResourceOfType,
} from "@pulumi/policy";
import { TAG } from "../../core/tags";
import { policyHeader, settingsFor } from "../config";
import { asList, Statement, statementLabel, statementsOf, tagsOf } from "./facts";

/** The security baseline every stack meets, ours or another team's. */

// ---- encryption at rest ---------------------------------------------------------------------------------

const TABLE_BUCKET_SSE = ["AES256", "aws:kms"];

export const encryptionAtRest: ResourceValidationPolicy = {
  ...policyHeader("encryption-at-rest", "Streams, delivery streams, table buckets and topics are encrypted at rest."),
  validateResource: [
    validateResourceOfType(aws.kinesis.Stream, (stream, args, report) => {
      if (stream.encryptionType !== "KMS") {
        report(
          `Kinesis stream "${args.name}" has encryptionType ${JSON.stringify(stream.encryptionType ?? "NONE")}; streams must be encrypted at rest. ` +
            `Fix: set encryptionType "KMS" with kmsKeyId (a key ARN, or "alias/aws/kinesis").`,
        );
      }
    }),
    validateResourceOfType(aws.kinesis.FirehoseDeliveryStream, (fh, args, report) => {
      // With a Kinesis source Firehose keeps no data at rest of its own; the source stream's encryption applies.
      if (fh.kinesisSourceConfiguration) return args.notApplicable("reads from a Kinesis stream, whose encryption is checked on the stream");
      if (fh.serverSideEncryption?.enabled !== true) {
        report(
          `Firehose delivery stream "${args.name}" takes direct PUTs with serverSideEncryption.enabled = ${JSON.stringify(fh.serverSideEncryption?.enabled ?? false)}; ` +
            `buffered records must be encrypted at rest. Fix: set serverSideEncryption {enabled: true, keyType: "AWS_OWNED_CMK" or "CUSTOMER_MANAGED_CMK"}.`,
        );
      }
    }),
    validateResourceOfType(aws.s3tables.TableBucket, (tb, args, report) => {
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
    validateResourceOfType(aws.sns.Topic, (topic, args, report) => {
      if (!topic.kmsMasterKeyId) {
        report(
          `SNS topic "${args.name}" has no kmsMasterKeyId, so alert payloads (table names, row counts) are stored unencrypted. ` +
            `Fix: set kmsMasterKeyId (a key ARN, or "alias/aws/sns").`,
        );
      }
    }),
  ],
};

// ---- buckets (stack level: encryption and public access live on separate resources) ----------------------

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

// ---- IAM -------------------------------------------------------------------------------------------------

interface Document {
  readonly where: string;
  readonly doc: unknown;
}

/** The permission documents a resource carries, labelled for messages. Trust policies are not permissions. */
function iamDocuments(kind: string, name: string, props: Record<string, any>): Document[] {
  if (kind === "role") {
    return (props.inlinePolicies ?? []).map((p: { name?: string; policy?: unknown }) => ({
      where: `IAM role "${name}" inline policy "${p.name ?? "(unnamed)"}"`,
      doc: p.policy,
    }));
  }
  return [{ where: `IAM ${kind} "${name}"`, doc: props.policy }];
}

type DocumentCheck = (s: Statement, label: string, where: string, args: ResourceValidationArgs, report: ReportViolation) => void;

function forEachAllowStatement(check: DocumentCheck) {
  const run = (kind: string) => (props: Record<string, any>, args: ResourceValidationArgs, report: ReportViolation) => {
    for (const { where, doc } of iamDocuments(kind, args.name, props)) {
      statementsOf(doc).forEach((s, i) => {
        if (s.Effect === "Allow") check(s, statementLabel(s, i), where, args, report);
      });
    }
  };
  return [
    validateResourceOfType(aws.iam.Role, run("role")),
    validateResourceOfType(aws.iam.RolePolicy, run("role policy")),
    validateResourceOfType(aws.iam.Policy, run("policy")),
  ];
}

export const iamNoWildcardAction: ResourceValidationPolicy = {
  ...policyHeader("iam-no-wildcard-action", 'No IAM statement allows Action "*".'),
  validateResource: forEachAllowStatement((s, label, where, _args, report) => {
    if (asList(s.Action).includes("*")) {
      report(
        `${where} ${label} allows Action "*" (every action on ${JSON.stringify(s.Resource ?? null)}). ` +
          `Fix: list the actions the workload calls, e.g. "kinesis:PutRecords", "s3tables:GetTableData".`,
      );
    }
  }),
};

export const iamNoWildcardResourceOnDataStore: ResourceValidationPolicy = {
  ...policyHeader("iam-no-wildcard-resource-on-data-store", 'No IAM statement allows data-store actions on Resource "*".'),
  validateResource: forEachAllowStatement((s, label, where, args, report) => {
    if (!asList(s.Resource).includes("*")) return;
    const { dataStoreServices, resourceLessActions } = settingsFor<{ dataStoreServices: string[]; resourceLessActions: string[] }>(
      "iam-no-wildcard-resource-on-data-store",
      args,
    );
    const offending = asList(s.Action).filter(
      (a) => a !== "*" && dataStoreServices.includes(a.split(":")[0].toLowerCase()) && !resourceLessActions.includes(a),
    );
    if (offending.length > 0) {
      report(
        `${where} ${label} allows ${offending.join(", ")} on Resource "*"; data-store actions must name their streams, buckets, tables or catalog ARNs. ` +
          `Fix: replace "*" with the ARNs the workload touches (e.g. the stream ARN, the table bucket ARN and "<arn>/table/*").`,
      );
    }
  }),
};

const AWS_MANAGED = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/;

/** AWS-managed policies that grant a whole service (or everything): far more than any workload here needs. */
function broadManagedPolicy(arn: string, allowed: string[]): boolean {
  const m = AWS_MANAGED.exec(arn);
  if (!m || allowed.includes(arn)) return false;
  return /FullAccess/.test(m[1]) || m[1] === "PowerUserAccess" || m[1] === "AdministratorAccess";
}

export const iamNoBroadManagedPolicies: ResourceValidationPolicy = {
  ...policyHeader("iam-no-broad-managed-policies", "No AWS-managed FullAccess, PowerUser or Administrator policy is attached to a role."),
  validateResource: (() => {
    const check = (where: string, arns: string[], args: ResourceValidationArgs, report: ReportViolation) => {
      const { allowedPolicyArns } = settingsFor<{ allowedPolicyArns: string[] }>("iam-no-broad-managed-policies", args);
      for (const arn of arns.filter((a) => broadManagedPolicy(a, allowedPolicyArns))) {
        report(
          `${where} attaches the AWS-managed policy ${arn}, which grants a whole service (or more). ` +
            `Fix: attach a policy listing only the actions and resources the role uses (aws.iam.RolePolicy), and pass an explicit role to aws.lambda.CallbackFunction.`,
        );
      }
    };
    return [
      validateResourceOfType(aws.iam.Role, (role, args, report) => check(`IAM role "${args.name}"`, role.managedPolicyArns ?? [], args, report)),
      validateResourceOfType(aws.iam.RolePolicyAttachment, (att, args, report) =>
        check(`Role policy attachment "${args.name}" (role ${att.role})`, [att.policyArn], args, report),
      ),
      validateResourceOfType(aws.iam.PolicyAttachment, (att, args, report) =>
        (att.roles ?? []).length > 0
          ? check(`Policy attachment "${args.name}"`, [att.policyArn], args, report)
          : args.notApplicable("attaches to no role"),
      ),
    ];
  })(),
};

// ---- protect in prod ---------------------------------------------------------------------------------------

const STATEFUL_TYPES: Record<string, string> = {
  "aws:s3tables/tableBucket:TableBucket": "table bucket",
  "aws:s3tables/table:Table": "table",
  "aws-native:s3tables:Table": "table",
  "aws:kinesis/stream:Stream": "stream",
};

export const prodStatefulProtected: StackValidationPolicy = {
  ...policyHeader("prod-stateful-protected", "In prod, table buckets, tables and streams are protected from deletion."),
  validateStack: (args, report) => {
    const { protectedEnvironments } = settingsFor<{ protectedEnvironments: string[] }>("prod-stateful-protected", args);
    const envOf = (r: PolicyResource) => tagsOf(r.props)[TAG.environment];
    // Resources that carry no environment tag (e.g. a table bucket without tags) take the stack's, if it is unanimous.
    const declared = new Set(args.resources.map(envOf).filter((e): e is string => !!e));
    const stackEnv = declared.size === 1 ? [...declared][0] : undefined;
    const stateful = args.resources.filter((r) => r.type in STATEFUL_TYPES);
    if (stateful.length === 0) return args.notApplicable("no stateful resources");
    for (const r of stateful) {
      const env = envOf(r) ?? stackEnv;
      if (!env || !protectedEnvironments.includes(env)) continue;
      if (!r.opts.protect) {
        report(
          `${STATEFUL_TYPES[r.type]} "${r.name}" in environment "${env}" has protect = false; deleting it loses data that cannot be replayed. ` +
            `Fix: pass { protect: true } (retail:protectStateful: true in Pulumi.${env}.yaml).`,
          r.urn,
        );
      }
    }
  },
};

export const securityPolicies = [
  encryptionAtRest,
  s3BucketEncrypted,
  s3BucketPublicAccessBlocked,
  iamNoWildcardAction,
  iamNoWildcardResourceOnDataStore,
  iamNoBroadManagedPolicies,
  prodStatefulProtected,
];
