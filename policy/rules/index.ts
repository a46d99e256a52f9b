import { Policies } from "@pulumi/policy";
import { amazonQPolicies } from "./amazonq";
import { athenaPolicies } from "./athena";
import { kinesisPolicies } from "./kinesis";
import { partitionPolicies } from "./partition";
import { securityPolicies } from "./security";
import { spicePolicies } from "./spice";
import { stackPolicies } from "./stack";

/** Every policy of the pack, in the order the pack serves them. Tests and the plan runner use this list; only policy/index.ts serves it. */
export const allPolicies: Policies = [
  ...spicePolicies,
  ...partitionPolicies,
  ...kinesisPolicies,
  ...athenaPolicies,
  ...amazonQPolicies,
  ...securityPolicies,
  ...stackPolicies,
];
