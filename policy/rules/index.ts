import { Policies } from "@pulumi/policy";
import { amazonQPolicies } from "./amazonq";
import { athenaPolicies } from "./athena";
import { encryptionAtRest } from "./encryption";
import { iamPolicies } from "./iam";
import { kinesisPolicies } from "./kinesis";
import { lakeFormationPolicies } from "./lakeformation";
import { partitionPolicies } from "./partition";
import { prodStatefulProtected } from "./protect";
import { s3BucketEncrypted, s3BucketPublicAccessBlocked } from "./s3";
import { spicePolicies } from "./spice";
import { spiceRefreshWithinCutoff } from "./spiceRefresh";
import { stackPolicies } from "./stack";

/** Every policy of the pack, in the order the pack serves them. Tests import the rule modules; only policy/index.ts serves this list. */
export const allPolicies: Policies = [
  ...spicePolicies,
  spiceRefreshWithinCutoff,
  ...partitionPolicies,
  ...kinesisPolicies,
  ...athenaPolicies,
  ...amazonQPolicies,
  encryptionAtRest,
  s3BucketEncrypted,
  s3BucketPublicAccessBlocked,
  ...iamPolicies,
  ...lakeFormationPolicies,
  prodStatefulProtected,
  ...stackPolicies,
];
