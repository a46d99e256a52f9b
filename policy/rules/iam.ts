import * as iam from "@pulumi/aws/iam";
import { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation, validateResourceOfType } from "@pulumi/policy";
import { policyHeader, settingsFor } from "../config";
import { asList, Statement, statementLabel, statementsOf } from "./facts";

/** Security baseline, every stack: IAM grants no wildcard action, names data-store resources, attaches no broad AWS-managed policy. */

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
    validateResourceOfType(iam.Role, run("role")),
    validateResourceOfType(iam.RolePolicy, run("role policy")),
    validateResourceOfType(iam.Policy, run("policy")),
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
      validateResourceOfType(iam.Role, (role, args, report) => check(`IAM role "${args.name}"`, role.managedPolicyArns ?? [], args, report)),
      validateResourceOfType(iam.RolePolicyAttachment, (att, args, report) =>
        check(`Role policy attachment "${args.name}" (role ${att.role})`, [att.policyArn], args, report),
      ),
      validateResourceOfType(iam.PolicyAttachment, (att, args, report) =>
        (att.roles ?? []).length > 0
          ? check(`Policy attachment "${args.name}"`, [att.policyArn], args, report)
          : args.notApplicable("attaches to no role"),
      ),
    ];
  })(),
};
