import { strict as assert } from "assert";
import {
  iamNoBroadActionOnAnyResource,
  iamNoBroadManagedPolicies,
  iamNoPublicTrust,
  iamNoWildcardAction,
  iamNoWildcardResourceOnDataStore,
} from "../../policy/rules/iam";
import { Case, runPolicy, UNKNOWN_STRING } from "./harness";

/** IAM as AWS evaluates it: NotAction/NotResource, wildcards, service-wide and sensitive actions, trust, every policy-bearing type. */

const ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/cart-events";
const doc = (...Statement: object[]) => ({ Version: "2012-10-17", Statement });
const rolePolicy = (...statements: object[]): Case => ({
  type: "aws:iam/rolePolicy:RolePolicy",
  name: "ops",
  props: { role: "ops", policy: JSON.stringify(doc(...statements)) },
});
const allow = (over: object) => ({ Sid: "S", Effect: "Allow", ...over });
const violations = async (p: Parameters<typeof runPolicy>[0], c: Case) => (await runPolicy(p, c)).violations;

describe("policy: IAM NotAction and cross-service wildcards (iam-no-wildcard-action)", () => {
  it("Compliance: NotAction confined to named resources", async () => {
    assert.deepEqual(await violations(iamNoWildcardAction, rolePolicy(allow({ NotAction: "kinesis:DeleteStream", Resource: ARN }))), []);
  });

  it("Noncompliance 1: NotAction Allow on Resource *", async () => {
    assert.deepEqual(await violations(iamNoWildcardAction, rolePolicy(allow({ NotAction: ["iam:*"], Resource: "*" }))), [
      'IAM role policy "ops" statement "S" allows NotAction ["iam:*"], i.e. every other action of every service, on Resource "*". ' +
        "Fix: replace NotAction with an Action list of what the workload calls (use a Deny statement to carve out exceptions).",
    ]);
  });

  it("Noncompliance 2: NotAction with NotResource (every resource but one)", async () => {
    const [v] = await violations(iamNoWildcardAction, rolePolicy(allow({ NotAction: "iam:*", NotResource: ARN })));
    assert.match(v, /allows NotAction "iam:\*", i\.e\. every other action of every service, on every resource except "arn:aws:kinesis/);
  });

  it('Noncompliance 3: "*:*" and "s*:Get*" span services like "*"', async () => {
    const [v] = await violations(iamNoWildcardAction, rolePolicy(allow({ Action: ["*:*", "s*:Get*", "s3:GetObject"], Resource: ARN })));
    assert.match(v, /allows Action "\*:\*", "s\*:Get\*" \(every action of every service\) on Resource "arn:aws:kinesis/);
  });

  it('Noncompliance 4: Action "*" whose Resource is unknown in preview is reported, and says so', async () => {
    const out = await runPolicy(iamNoWildcardAction, {
      type: "aws-native:iam:RolePolicy",
      name: "ops",
      props: { roleName: "ops", policyDocument: doc(allow({ Action: "*", Resource: UNKNOWN_STRING })) },
    });
    assert.equal(out.unknown, undefined);
    assert.deepEqual(out.violations, [
      'IAM role policy "ops" statement "S" allows Action "*" (every action of every service) on a Resource unknown until the update. ' +
        'Fix: list the actions the workload calls, e.g. "kinesis:PutRecords", "s3tables:GetTableData".',
    ]);
  });

  it("reports a whole document unknown in preview as unknown (advisory in preview), naming it, and still checks the role's other documents", async () => {
    const out = await runPolicy(iamNoWildcardAction, {
      type: "aws:iam/role:Role",
      name: "ops",
      props: {
        assumeRolePolicy: "{}",
        inlinePolicies: [
          { name: "later", policy: UNKNOWN_STRING },
          { name: "now", policy: JSON.stringify(doc(allow({ Action: "*", Resource: "*" }))) },
        ],
      },
    });
    assert.match(out.violations[0] ?? "", /^IAM role "ops" inline policy "now" statement "S" allows Action "\*"/);
    assert.match(
      out.unknown ?? "",
      /^IAM role "ops" inline policy "later"'s document is unknown in preview \(string value at \.inlinePolicies\.0\.policy can't be known during preview\)/,
    );
  });
});

describe("policy: whole services and sensitive actions on every resource (iam-no-broad-action-on-any-resource)", () => {
  it("Compliance: a whole service or PassRole on named resources; a narrow action on *", async () => {
    const ok = rolePolicy(
      allow({ Action: ["kms:*", "iam:PassRole"], Resource: "arn:aws:kms:us-east-1:123456789012:key/k" }),
      allow({ Sid: "Metrics", Action: "cloudwatch:PutMetricData", Resource: "*" }),
    );
    assert.deepEqual(await violations(iamNoBroadActionOnAnyResource, ok), []);
  });

  for (const action of ["iam:*", "kms:*", "lambda:*"]) {
    it(`Noncompliance: ${action} on Resource *`, async () => {
      const service = action.split(":")[0];
      assert.deepEqual(await violations(iamNoBroadActionOnAnyResource, rolePolicy(allow({ Action: action, Resource: "*" }))), [
        `IAM role policy "ops" statement "S" allows ${action} (all of ${service}) on Resource "*"; a whole service or a sensitive action must name the roles, secrets, keys or functions it applies to. ` +
          'Fix: list the actions the workload calls and replace "*" with those resources\' ARNs.',
      ]);
    });
  }

  it("Noncompliance: secretsmanager:GetSecretValue and iam:PassRole on *, however they are cased or wildcarded", async () => {
    const [v] = await violations(
      iamNoBroadActionOnAnyResource,
      rolePolicy(allow({ Action: ["secretsmanager:GetSecretValue", "IAM:passrole", "secretsmanager:Get*"], Resource: ["*"] })),
    );
    assert.match(
      v,
      /allows secretsmanager:GetSecretValue, IAM:passrole, secretsmanager:Get\* \(matches secretsmanager:GetSecretValue\) on Resource \["\*"\]/,
    );
  });

  it("Noncompliance: a sensitive action with NotResource reaches every other resource", async () => {
    const [v] = await violations(
      iamNoBroadActionOnAnyResource,
      rolePolicy(allow({ Action: "iam:PassRole", NotResource: "arn:aws:iam::123456789012:role/x" })),
    );
    assert.match(v, /allows iam:PassRole on every resource except/);
  });

  it("reads the sensitive list from the pack config", async () => {
    const c = { ...rolePolicy(allow({ Action: "ec2:CreateTags", Resource: "*" })), config: { sensitiveActions: ["ec2:CreateTags"] } };
    assert.equal((await violations(iamNoBroadActionOnAnyResource, c)).length, 1);
  });
});

describe("policy: data-store actions with NotResource (iam-no-wildcard-resource-on-data-store)", () => {
  it("Noncompliance: s3tables:GetTableData on every resource but one", async () => {
    const [v] = await violations(iamNoWildcardResourceOnDataStore, rolePolicy(allow({ Action: "s3tables:GetTableData", NotResource: ARN })));
    assert.match(v, /allows s3tables:GetTableData on every resource except "arn:aws:kinesis/);
  });
});

describe("policy: trust policies (iam-no-public-trust)", () => {
  const role = (statement: object, type = "aws:iam/role:Role"): Case =>
    type === "aws:iam/role:Role"
      ? { type, name: "shared", props: { assumeRolePolicy: JSON.stringify(doc(statement)) } }
      : { type, name: "shared", props: { assumeRolePolicyDocument: doc(statement) } };
  const assume = (Principal: unknown, Condition?: object) => ({
    Effect: "Allow",
    Principal,
    Action: "sts:AssumeRole",
    ...(Condition ? { Condition } : {}),
  });

  it("Compliance: a service principal; an account; a wildcard narrowed to the organisation", async () => {
    for (const s of [
      assume({ Service: "glue.amazonaws.com" }),
      assume({ AWS: "arn:aws:iam::123456789012:root" }),
      assume({ AWS: "*" }, { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } }),
    ]) {
      assert.deepEqual(await violations(iamNoPublicTrust, role(s)), [], JSON.stringify(s));
    }
  });

  it('Noncompliance 1: Principal {AWS: "*"} without a condition', async () => {
    assert.deepEqual(await violations(iamNoPublicTrust, role(assume({ AWS: "*" }))), [
      'IAM role "shared" trust policy statement #1 lets Principal {AWS: "*"} "sts:AssumeRole" with no condition on who (aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceAccount, aws:SourceArn, sts:ExternalId), so any AWS account can assume the role. ' +
        "Fix: name the trusted principal (an account, role or service), or add one of those conditions.",
    ]);
  });

  it('Noncompliance 2: Principal "*", "*" in a list, NotPrincipal, on classic and aws-native roles; a condition on something else does not narrow who', async () => {
    const cases = [
      role(assume("*")),
      role(assume({ AWS: ["arn:aws:iam::123456789012:root", "*"] }), "aws-native:iam:Role"),
      role({ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole" }),
      role(assume({ AWS: "*" }, { Bool: { "aws:SecureTransport": "true" } }), "aws-native:iam:Role"),
    ];
    for (const c of cases) assert.equal((await violations(iamNoPublicTrust, c)).length, 1, JSON.stringify(c.props));
  });
});

describe("policy: every policy-bearing type is read", () => {
  const star = doc(allow({ Action: "*", Resource: "*" }));
  const shapes: [string, Case][] = [
    ["classic UserPolicy", { type: "aws:iam/userPolicy:UserPolicy", name: "x", props: { user: "u", policy: JSON.stringify(star) } }],
    ["classic GroupPolicy", { type: "aws:iam/groupPolicy:GroupPolicy", name: "x", props: { group: "g", policy: JSON.stringify(star) } }],
    ["classic Policy", { type: "aws:iam/policy:Policy", name: "x", props: { policy: star } }],
    [
      "aws-native Role",
      { type: "aws-native:iam:Role", name: "x", props: { assumeRolePolicyDocument: {}, policies: [{ policyName: "p", policyDocument: star }] } },
    ],
    ["aws-native RolePolicy", { type: "aws-native:iam:RolePolicy", name: "x", props: { roleName: "r", policyDocument: star } }],
    ["aws-native UserPolicy", { type: "aws-native:iam:UserPolicy", name: "x", props: { userName: "u", policyDocument: JSON.stringify(star) } }],
    ["aws-native GroupPolicy", { type: "aws-native:iam:GroupPolicy", name: "x", props: { groupName: "g", policyDocument: star } }],
    ["aws-native ManagedPolicy", { type: "aws-native:iam:ManagedPolicy", name: "x", props: { policyDocument: star } }],
    ["aws-native User", { type: "aws-native:iam:User", name: "x", props: { policies: [{ policyName: "p", policyDocument: star }] } }],
    ["aws-native Group", { type: "aws-native:iam:Group", name: "x", props: { policies: [{ policyName: "p", policyDocument: star }] } }],
  ];
  for (const [label, c] of shapes) {
    it(`Noncompliance: Action "*" in a ${label}`, async () => {
      assert.equal((await violations(iamNoWildcardAction, c)).length, 1);
    });
  }
});

describe("policy: broad AWS-managed policies on every attachment type", () => {
  const attachments = (arn: string): [string, Case][] => [
    ["classic Role", { type: "aws:iam/role:Role", name: "x", props: { assumeRolePolicy: "{}", managedPolicyArns: [arn] } }],
    ["classic UserPolicyAttachment", { type: "aws:iam/userPolicyAttachment:UserPolicyAttachment", name: "x", props: { user: "u", policyArn: arn } }],
    [
      "classic GroupPolicyAttachment",
      { type: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment", name: "x", props: { group: "g", policyArn: arn } },
    ],
    [
      "classic PolicyAttachment to a group",
      { type: "aws:iam/policyAttachment:PolicyAttachment", name: "x", props: { groups: ["g"], policyArn: arn } },
    ],
    [
      "classic RolePolicyAttachmentsExclusive",
      { type: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", name: "x", props: { roleName: "r", policyArns: [arn] } },
    ],
    ["aws-native Role", { type: "aws-native:iam:Role", name: "x", props: { assumeRolePolicyDocument: {}, managedPolicyArns: [arn] } }],
    ["aws-native User", { type: "aws-native:iam:User", name: "x", props: { managedPolicyArns: [arn] } }],
    ["aws-native Group", { type: "aws-native:iam:Group", name: "x", props: { managedPolicyArns: [arn] } }],
  ];
  for (const name of ["AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "IAMFullAccess"]) {
    it(`Noncompliance: ${name} on each attachment type`, async () => {
      for (const [label, c] of attachments(`arn:aws:iam::aws:policy/${name}`)) {
        assert.equal((await violations(iamNoBroadManagedPolicies, c)).length, 1, label);
      }
    });
  }

  it("Compliance: a job-function view-only policy and a service role policy", async () => {
    for (const arn of ["arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole"]) {
      for (const [label, c] of attachments(arn)) assert.deepEqual(await violations(iamNoBroadManagedPolicies, c), [], `${label} ${arn}`);
    }
  });

  it("reports AdministratorAccess beside a managed policy ARN unknown in preview, and names the unknown one", async () => {
    const out = await runPolicy(iamNoBroadManagedPolicies, {
      type: "aws-native:iam:Role",
      name: "ops",
      props: { assumeRolePolicyDocument: {}, managedPolicyArns: [UNKNOWN_STRING, "arn:aws:iam::aws:policy/AdministratorAccess"] },
    });
    assert.match(out.violations[0] ?? "", /^IAM role "ops" attaches the AWS-managed policy arn:aws:iam::aws:policy\/AdministratorAccess,/);
    assert.match(out.unknown ?? "", /^IAM role "ops"'s managed policy ARN #1 is unknown in preview/);
  });
});
