import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { TAG } from "../../core/tags";
import { policyHeader, settingsFor } from "../config";
import { tagsOf } from "./facts";

/** Security baseline, every stack: in a protected environment, stateful resources cannot be deleted by an update. */

const STATEFUL_TYPES: Record<string, string> = {
  "aws:s3tables/tableBucket:TableBucket": "table bucket",
  "aws:s3tables/table:Table": "table",
  "aws-native:s3tables:Table": "table",
  "aws:kinesis/stream:Stream": "stream",
  "aws-native:kinesis:Stream": "stream",
  "aws-native:s3tables:TableBucket": "table bucket",
};

export const prodStatefulProtected: StackValidationPolicy = {
  ...policyHeader("prod-stateful-protected", "In prod, table buckets, tables and streams are protected from deletion."),
  validateStack: (args, report) => {
    const { protectedEnvironments } = settingsFor<{ protectedEnvironments: string[] }>("prod-stateful-protected", args);
    const envOf = (r: PolicyResource) => tagsOf(r.props, r.provider)[TAG.environment];
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
