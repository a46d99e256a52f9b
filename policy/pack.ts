import { PolicyPackArgs } from "@pulumi/policy";
import { allPolicies } from "./rules";

/** The pack's name and arguments, shared by the served pack (index.ts) and the in-process analyzer. */
export const PACK_NAME = "retail-analytics";

export const packArgs: PolicyPackArgs = {
  description:
    "Retail omnichannel analytics guardrails: SPICE caps, day partitioning, Kinesis sizing, Athena limits, Amazon Q approval, security baseline.",
  enforcementLevel: "advisory",
  policies: allPolicies,
};
