import { ReportViolation, ResourceValidation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { policyHeader, settingsFor } from "../config";
import { deferringUnknowns, peek } from "./facts";
import {
  admitsAnyone,
  asList,
  conditionNarrowsPrincipal,
  iamMatches,
  resourceScope,
  serviceOf,
  spansServices,
  Statement,
  statementLabel,
  statementsOf,
  wholeService,
} from "./iamDocuments";

/**
 * Security baseline, every stack: whatever resource carries an identity policy (classic or aws-native role, user,
 * group, inline or managed policy), it grants no wildcard or service-wide action, names data-store and sensitive
 * resources, attaches no broad AWS-managed policy; trust policies admit no one-and-all.
 */

interface Document {
  readonly where: string;
  readonly read: () => unknown;
}

/** A name for messages; it may be unknown in preview, which must not stop the check. */
function nameOf(read: () => unknown, fallback: string): string {
  const v = peek(read);
  return v.known ? String(v.value ?? fallback) : "(name unknown until the update)";
}

function inline(list: () => unknown, owner: string, name: (p: any) => unknown, doc: (p: any) => unknown): Document[] {
  return ((list() as any[] | undefined) ?? []).map((p) => ({
    where: `${owner} inline policy "${nameOf(() => name(p), "(unnamed)")}"`,
    read: () => doc(p),
  }));
}

/** The identity (permission) documents each policy-bearing type carries. Trust policies are not permissions. */
const PERMISSIONS: Record<string, (props: Record<string, any>, name: string) => Document[]> = {
  "aws:iam/role:Role": (p, n) =>
    inline(
      () => p.inlinePolicies,
      `IAM role "${n}"`,
      (x) => x.name,
      (x) => x.policy,
    ),
  "aws:iam/rolePolicy:RolePolicy": (p, n) => [{ where: `IAM role policy "${n}"`, read: () => p.policy }],
  "aws:iam/userPolicy:UserPolicy": (p, n) => [{ where: `IAM user policy "${n}"`, read: () => p.policy }],
  "aws:iam/groupPolicy:GroupPolicy": (p, n) => [{ where: `IAM group policy "${n}"`, read: () => p.policy }],
  "aws:iam/policy:Policy": (p, n) => [{ where: `IAM policy "${n}"`, read: () => p.policy }],
  "aws-native:iam:Role": (p, n) =>
    inline(
      () => p.policies,
      `IAM role "${n}"`,
      (x) => x.policyName,
      (x) => x.policyDocument,
    ),
  "aws-native:iam:User": (p, n) =>
    inline(
      () => p.policies,
      `IAM user "${n}"`,
      (x) => x.policyName,
      (x) => x.policyDocument,
    ),
  "aws-native:iam:Group": (p, n) =>
    inline(
      () => p.policies,
      `IAM group "${n}"`,
      (x) => x.policyName,
      (x) => x.policyDocument,
    ),
  "aws-native:iam:RolePolicy": (p, n) => [{ where: `IAM role policy "${n}"`, read: () => p.policyDocument }],
  "aws-native:iam:UserPolicy": (p, n) => [{ where: `IAM user policy "${n}"`, read: () => p.policyDocument }],
  "aws-native:iam:GroupPolicy": (p, n) => [{ where: `IAM group policy "${n}"`, read: () => p.policyDocument }],
  "aws-native:iam:ManagedPolicy": (p, n) => [{ where: `IAM managed policy "${n}"`, read: () => p.policyDocument }],
};

const TRUST: Record<string, (props: Record<string, any>, name: string) => Document> = {
  "aws:iam/role:Role": (p, n) => ({ where: `IAM role "${n}" trust policy`, read: () => p.assumeRolePolicy }),
  "aws-native:iam:Role": (p, n) => ({ where: `IAM role "${n}" trust policy`, read: () => p.assumeRolePolicyDocument }),
};

type StatementCheck = (s: Statement, label: string, where: string, args: ResourceValidationArgs, report: ReportViolation) => void;

/** Every Allow statement of every document `sources` gives for this type; an unknown document or statement is reported as unknown after the rest. */
function forEachAllow(
  sources: Record<string, (props: Record<string, any>, name: string) => Document | Document[]>,
  what: string,
  check: StatementCheck,
): ResourceValidation {
  return (args, report) => {
    const source = sources[args.type];
    if (!source) return args.notApplicable(`carries no ${what}`);
    let docs: Document[] = [];
    deferringUnknowns(
      [args],
      () => (docs = [source(args.props, args.name)].flat()),
      () => `${args.type.split(":").pop()} "${args.name}"'s ${what} list`,
    );
    deferringUnknowns(
      docs,
      ({ where, read }) => {
        const statements = statementsOf(read());
        deferringUnknowns(
          statements.map((s, i) => ({ s, i })),
          ({ s, i }) => {
            if (s.Effect === "Allow") check(s, statementLabel(s, i), where, args, report);
          },
          ({ s, i }) => `${where} ${nameOf(() => statementLabel(s, i), `statement #${i + 1}`)}`,
        );
      },
      ({ where }) => `${where}'s document`,
    );
  };
}

const forEachAllowStatement = (check: StatementCheck) => forEachAllow(PERMISSIONS, "IAM permission policy", check);

export const iamNoWildcardAction: ResourceValidationPolicy = {
  ...policyHeader("iam-no-wildcard-action", 'No IAM statement allows Action "*" (or any action across services), nor NotAction on every resource.'),
  validateResource: forEachAllowStatement((s, label, where, _args, report) => {
    const notAction = s.NotAction;
    if (notAction !== undefined) {
      const scope = resourceScope(s);
      if (scope.all === false) return;
      return report(
        `${where} ${label} allows NotAction ${JSON.stringify(notAction)}, i.e. every other action of every service, on ${scope.text}. ` +
          `Fix: replace NotAction with an Action list of what the workload calls (use a Deny statement to carve out exceptions).`,
      );
    }
    const wide = asList(s.Action).filter(spansServices);
    if (wide.length > 0) {
      report(
        `${where} ${label} allows Action ${wide.map((a) => JSON.stringify(a)).join(", ")} (every action of every service) on ${resourceScope(s).text}. ` +
          `Fix: list the actions the workload calls, e.g. "kinesis:PutRecords", "s3tables:GetTableData".`,
      );
    }
  }),
};

export const iamNoWildcardResourceOnDataStore: ResourceValidationPolicy = {
  ...policyHeader("iam-no-wildcard-resource-on-data-store", 'No IAM statement allows data-store actions on Resource "*" (or NotResource).'),
  validateResource: forEachAllowStatement((s, label, where, args, report) => {
    const { dataStoreServices, resourceLessActions } = settingsFor<{ dataStoreServices: string[]; resourceLessActions: string[] }>(
      "iam-no-wildcard-resource-on-data-store",
      args,
    );
    const offending = asList(s.Action).filter(
      (a) => !spansServices(a) && dataStoreServices.includes(serviceOf(a)) && !resourceLessActions.some((r) => r.toLowerCase() === a.toLowerCase()),
    );
    if (offending.length === 0) return;
    const scope = resourceScope(s);
    if (scope.all === false) return;
    report(
      `${where} ${label} allows ${offending.join(", ")} on ${scope.text}; data-store actions must name their streams, buckets, tables or catalog ARNs. ` +
        `Fix: replace "*" with the ARNs the workload touches (e.g. the stream ARN, the table bucket ARN and "<arn>/table/*").`,
    );
  }),
};

export const iamNoBroadActionOnAnyResource: ResourceValidationPolicy = {
  ...policyHeader(
    "iam-no-broad-action-on-any-resource",
    'No IAM statement allows a whole service ("iam:*", "kms:*") or a sensitive action (iam:PassRole, secretsmanager:GetSecretValue, ...) on Resource "*".',
  ),
  validateResource: forEachAllowStatement((s, label, where, args, report) => {
    const { sensitiveActions } = settingsFor<{ sensitiveActions: string[] }>("iam-no-broad-action-on-any-resource", args);
    const actions = asList(s.Action).filter((a) => !spansServices(a));
    const services = actions.filter(wholeService);
    const sensitive = actions.filter((a) => !wholeService(a) && sensitiveActions.some((x) => iamMatches(a, x)));
    if (services.length === 0 && sensitive.length === 0) return;
    const scope = resourceScope(s);
    if (scope.all === false) return;
    const granted = [
      ...services.map((a) => `${a} (all of ${serviceOf(a)})`),
      ...sensitive.map((a) => {
        const hits = sensitiveActions.filter((x) => iamMatches(a, x));
        return hits.length === 1 && hits[0].toLowerCase() === a.toLowerCase() ? a : `${a} (matches ${hits.join(", ")})`;
      }),
    ];
    report(
      `${where} ${label} allows ${granted.join(", ")} on ${scope.text}; a whole service or a sensitive action must name the roles, secrets, keys or functions it applies to. ` +
        `Fix: list the actions the workload calls and replace "*" with those resources' ARNs.`,
    );
  }),
};

export const iamNoPublicTrust: ResourceValidationPolicy = {
  ...policyHeader(
    "iam-no-public-trust",
    'No role trust policy lets any principal ("*", {AWS: "*"}, NotPrincipal) assume it without a condition on who.',
  ),
  validateResource: forAllowInTrust((s, label, where, _args, report) => {
    const anyone = admitsAnyone(s);
    if (!anyone || conditionNarrowsPrincipal(s)) return;
    report(
      `${where} ${label} lets ${anyone} ${JSON.stringify(s.Action ?? s.NotAction ?? null)} with no condition on who (aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceAccount, aws:SourceArn, sts:ExternalId), so any AWS account can assume the role. ` +
        `Fix: name the trusted principal (an account, role or service), or add one of those conditions.`,
    );
  }),
};

function forAllowInTrust(check: StatementCheck): ResourceValidation {
  return forEachAllow(TRUST, "trust policy", check);
}

const AWS_MANAGED = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/i;

/** AWS-managed policies that grant a whole service, every service, or read on every data store (ReadOnlyAccess reads every bucket and table). */
function broadManagedPolicy(arn: string, allowed: string[]): boolean {
  const m = AWS_MANAGED.exec(arn);
  if (!m || allowed.includes(arn)) return false;
  const name = m[1].toLowerCase();
  return name.endsWith("fullaccess") || name.startsWith("administratoraccess") || name === "poweruseraccess" || name === "readonlyaccess";
}

interface Attachment {
  readonly where: string;
  readonly arns: () => unknown;
}

const one = (arn: () => unknown) => () => [arn()];

/** Every type that attaches managed policies to a role, user or group, and where its ARNs are. */
const ATTACHMENTS: Record<string, (props: Record<string, any>, name: string) => Attachment> = {
  "aws:iam/role:Role": (p, n) => ({ where: `IAM role "${n}"`, arns: () => p.managedPolicyArns }),
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (p, n) => ({
    where: `Role policy attachment "${n}" (role ${nameOf(() => p.role, "?")})`,
    arns: one(() => p.policyArn),
  }),
  "aws:iam/userPolicyAttachment:UserPolicyAttachment": (p, n) => ({
    where: `User policy attachment "${n}" (user ${nameOf(() => p.user, "?")})`,
    arns: one(() => p.policyArn),
  }),
  "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": (p, n) => ({
    where: `Group policy attachment "${n}" (group ${nameOf(() => p.group, "?")})`,
    arns: one(() => p.policyArn),
  }),
  "aws:iam/policyAttachment:PolicyAttachment": (p, n) => ({ where: `Policy attachment "${n}"`, arns: one(() => p.policyArn) }),
  "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": (p, n) => ({
    where: `Role policy attachments "${n}" (role ${nameOf(() => p.roleName, "?")})`,
    arns: () => p.policyArns,
  }),
  "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": (p, n) => ({
    where: `User policy attachments "${n}" (user ${nameOf(() => p.userName, "?")})`,
    arns: () => p.policyArns,
  }),
  "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive": (p, n) => ({
    where: `Group policy attachments "${n}" (group ${nameOf(() => p.groupName, "?")})`,
    arns: () => p.policyArns,
  }),
  "aws-native:iam:Role": (p, n) => ({ where: `IAM role "${n}"`, arns: () => p.managedPolicyArns }),
  "aws-native:iam:User": (p, n) => ({ where: `IAM user "${n}"`, arns: () => p.managedPolicyArns }),
  "aws-native:iam:Group": (p, n) => ({ where: `IAM group "${n}"`, arns: () => p.managedPolicyArns }),
};

export const iamNoBroadManagedPolicies: ResourceValidationPolicy = {
  ...policyHeader(
    "iam-no-broad-managed-policies",
    "No AWS-managed FullAccess, PowerUser, ReadOnly or Administrator policy is attached to a role, user or group.",
  ),
  validateResource: (args, report) => {
    const source = ATTACHMENTS[args.type];
    if (!source) return args.notApplicable("attaches no managed policy");
    const { allowedPolicyArns } = settingsFor<{ allowedPolicyArns: string[] }>("iam-no-broad-managed-policies", args);
    const { where, arns } = source(args.props, args.name);
    const list = (arns() as unknown[] | undefined) ?? [];
    deferringUnknowns(
      // Indexes, not values: mapping the list would read an unknown element before the others are checked.
      Array.from({ length: list.length }, (_, i) => i),
      (i) => {
        const arn = String(list[i]);
        if (!broadManagedPolicy(arn, allowedPolicyArns)) return;
        report(
          `${where} attaches the AWS-managed policy ${arn}, which grants a whole service, every service or read on every data store. ` +
            `Fix: attach a policy listing only the actions and resources it uses (aws.iam.RolePolicy), and pass an explicit role to aws.lambda.CallbackFunction.`,
        );
      },
      (i) => `${where}'s managed policy ARN #${i + 1}`,
    );
  },
};

export const iamPolicies = [
  iamNoWildcardAction,
  iamNoWildcardResourceOnDataStore,
  iamNoBroadActionOnAnyResource,
  iamNoPublicTrust,
  iamNoBroadManagedPolicies,
];
