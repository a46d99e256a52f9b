import { strict as assert } from "assert";
import { iamNoBroadManagedPolicies, iamNoWildcardAction, iamNoWildcardResourceOnDataStore } from "../../policy/rules/iam";
import { runPolicy } from "./harness";

const STREAM_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/cart-events";
const goodStatements = [
  { Sid: "ReadSource", Effect: "Allow", Action: ["kinesis:GetRecords", "kinesis:DescribeStream"], Resource: [STREAM_ARN] },
  { Sid: "LakeFormation", Effect: "Allow", Action: ["lakeformation:GetDataAccess"], Resource: ["*"] },
  { Sid: "Metrics", Effect: "Allow", Action: ["cloudwatch:PutMetricData"], Resource: "*" },
];
const rolePolicy = (statements: object[], asString = true) => ({
  type: "aws:iam/rolePolicy:RolePolicy",
  name: "cart-events-firehose",
  props: {
    role: "cart-events-role",
    policy: asString ? JSON.stringify({ Version: "2012-10-17", Statement: statements }) : { Version: "2012-10-17", Statement: statements },
  },
});

describe("policy: IAM statements", () => {
  it("Compliance: named data-store resources; '*' only where IAM allows nothing else", async () => {
    for (const p of [iamNoWildcardAction, iamNoWildcardResourceOnDataStore]) {
      assert.deepEqual((await runPolicy(p, rolePolicy(goodStatements))).violations, [], p.name);
    }
  });

  it('Noncompliance 1: Action "*"', async () => {
    const out = await runPolicy(
      iamNoWildcardAction,
      rolePolicy([...goodStatements, { Sid: "Everything", Effect: "Allow", Action: "*", Resource: STREAM_ARN }]),
    );
    assert.deepEqual(out.violations, [
      `IAM role policy "cart-events-firehose" statement "Everything" allows Action "*" (every action of every service) on Resource "${STREAM_ARN}". ` +
        'Fix: list the actions the workload calls, e.g. "kinesis:PutRecords", "s3tables:GetTableData".',
    ]);
  });

  it('Noncompliance 2: data-store actions on Resource "*", in an object document on a role', async () => {
    const out = await runPolicy(iamNoWildcardResourceOnDataStore, {
      type: "aws:iam/role:Role",
      name: "merge",
      props: {
        assumeRolePolicy: "{}",
        inlinePolicies: [
          {
            name: "lake",
            policy: {
              Statement: { Effect: "Allow", Action: ["s3tables:GetTableData", "s3:ListAllMyBuckets", "cloudwatch:PutMetricData"], Resource: "*" },
            },
          },
        ],
      },
    });
    assert.deepEqual(out.violations, [
      'IAM role "merge" inline policy "lake" statement #1 allows s3tables:GetTableData on Resource "*"; data-store actions must name their streams, buckets, tables or catalog ARNs. ' +
        'Fix: replace "*" with the ARNs the workload touches (e.g. the stream ARN, the table bucket ARN and "<arn>/table/*").',
    ]);
  });

  it("ignores Deny statements", async () => {
    const out = await runPolicy(iamNoWildcardAction, rolePolicy([{ Effect: "Deny", Action: "*", Resource: "*" }], false));
    assert.deepEqual(out.violations, []);
  });
});

describe("policy: AWS-managed FullAccess / PowerUser attachments", () => {
  const attach = (policyArn: string) => ({
    type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    name: "merge-logs",
    props: { role: "merge", policyArn },
  });

  it("Compliance: a narrow AWS-managed policy", async () => {
    const out = await runPolicy(iamNoBroadManagedPolicies, attach("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"));
    assert.deepEqual(out.violations, []);
  });

  it("Noncompliance 1: AmazonS3FullAccess attached", async () => {
    const out = await runPolicy(iamNoBroadManagedPolicies, attach("arn:aws:iam::aws:policy/AmazonS3FullAccess"));
    assert.deepEqual(out.violations, [
      'Role policy attachment "merge-logs" (role merge) attaches the AWS-managed policy arn:aws:iam::aws:policy/AmazonS3FullAccess, which grants a whole service, every service or read on every data store. ' +
        "Fix: attach a policy listing only the actions and resources it uses (aws.iam.RolePolicy), and pass an explicit role to aws.lambda.CallbackFunction.",
    ]);
  });

  it("Noncompliance 2: PowerUserAccess in a role's managedPolicyArns", async () => {
    const out = await runPolicy(iamNoBroadManagedPolicies, {
      type: "aws:iam/role:Role",
      name: "ops",
      props: { assumeRolePolicy: "{}", managedPolicyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"] },
    });
    assert.match(out.violations[0], /^IAM role "ops" attaches the AWS-managed policy arn:aws:iam::aws:policy\/PowerUserAccess,/);
  });

  const policyAttachment = (props: Record<string, unknown>) => ({ type: "aws:iam/policyAttachment:PolicyAttachment", name: "ops-power", props });

  it("Compliance: an aws.iam.PolicyAttachment of a narrow AWS-managed policy", async () => {
    const narrow = await runPolicy(
      iamNoBroadManagedPolicies,
      policyAttachment({ roles: ["merge"], policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" }),
    );
    assert.deepEqual(narrow.violations, []);
  });

  it("Noncompliance 2b: PowerUserAccess attached to users only (a user is as much a principal as a role)", async () => {
    const usersOnly = await runPolicy(
      iamNoBroadManagedPolicies,
      policyAttachment({ users: ["ops"], policyArn: "arn:aws:iam::aws:policy/PowerUserAccess" }),
    );
    assert.match(usersOnly.violations[0], /^Policy attachment "ops-power" attaches the AWS-managed policy arn:aws:iam::aws:policy\/PowerUserAccess,/);
  });

  it("Noncompliance 3: an aws.iam.PolicyAttachment of PowerUserAccess and of a FullAccess policy to roles", async () => {
    for (const arn of ["arn:aws:iam::aws:policy/PowerUserAccess", "arn:aws:iam::aws:policy/AmazonKinesisFullAccess"]) {
      const out = await runPolicy(iamNoBroadManagedPolicies, policyAttachment({ roles: ["merge", "ops"], policyArn: arn }));
      assert.deepEqual(out.violations, [
        `Policy attachment "ops-power" attaches the AWS-managed policy ${arn}, which grants a whole service, every service or read on every data store. ` +
          "Fix: attach a policy listing only the actions and resources it uses (aws.iam.RolePolicy), and pass an explicit role to aws.lambda.CallbackFunction.",
      ]);
    }
  });

  it("honours the allow list in the pack config, and ignores customer-managed policies named *FullAccess", async () => {
    const arn = "arn:aws:iam::aws:policy/AmazonS3FullAccess";
    assert.deepEqual((await runPolicy(iamNoBroadManagedPolicies, { ...attach(arn), config: { allowedPolicyArns: [arn] } })).violations, []);
    assert.deepEqual((await runPolicy(iamNoBroadManagedPolicies, attach("arn:aws:iam::123456789012:policy/LakeFullAccess"))).violations, []);
  });
});
