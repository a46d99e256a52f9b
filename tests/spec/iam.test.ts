import { strict as assert } from "assert";
import { ProgramRun } from "../../local/harness";
import { runStack } from "../support/stacks";
import { actionProblem, conditionKeyProblem, problemsOf } from "./iamData";
import { PlannedResource, plannedActions, plannedConditionKeys, policyDocuments } from "./policyDocuments";

/** A role policy as the program would write it, with one statement under test. */
function rolePolicy(statement: Record<string, unknown>): PlannedResource {
  return {
    type: "aws:iam/rolePolicy:RolePolicy",
    name: "control",
    inputs: {
      role: "r",
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Control", Effect: "Allow", Resource: "*", ...statement }] }),
    },
  };
}

// Types that carry a policy document in this platform's plans: each must yield one, or the search missed it.
const POLICY_BEARING = [
  "aws:iam/role:Role",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:sqs/queuePolicy:QueuePolicy",
  "aws:sns/topicPolicy:TopicPolicy",
  "aws:kms/key:Key",
  "aws:s3/bucketPolicy:BucketPolicy",
];

for (const stack of ["dev", "prod"] as const) {
  describe(`spec (IAM): every action and condition key in the ${stack} plan exists in AWS's service authorization data`, () => {
    let run: ProgramRun;
    before(async () => {
      run = await runStack(stack);
    });

    it("finds a policy document on every policy-bearing resource, trust policies included", () => {
      const docs = policyDocuments(run.resources);
      for (const r of run.resources.filter((r) => POLICY_BEARING.includes(r.type))) {
        assert.ok(
          docs.some((d) => d.where.startsWith(`${r.type} ${r.name} `)),
          `no policy document found on ${r.type} ${r.name}: ${Object.keys(r.inputs).join(", ")}`,
        );
      }
      const trust = docs.filter((d) => d.where.endsWith(".assumeRolePolicy"));
      assert.equal(trust.length, run.resources.filter((r) => r.type === "aws:iam/role:Role").length);
    });

    it("every Action and NotAction names a real action, and every wildcard matches at least one", async () => {
      const actions = plannedActions(run.resources);
      assert.ok(
        actions.some((a) => a.where.includes("aws:lambda/permission:Permission")),
        "the Lambda permissions' actions are checked too",
      );
      assert.ok(
        actions.some((a) => a.where.includes("aws:quicksight/dataSet:DataSet")),
        "QuickSight permissions' actions are checked too",
      );
      assert.deepEqual(await problemsOf(actions, actionProblem), []);
    });

    it("every Condition key is a global key or one its service defines", async () => {
      const keys = plannedConditionKeys(run.resources);
      assert.ok(keys.length > 0, "the plan has conditions to check");
      assert.deepEqual(await problemsOf(keys, conditionKeyProblem), []);
    });
  });
}

describe("spec (IAM): control cases the check must reject", () => {
  it("rejects a made-up action, a made-up service and a wildcard matching nothing, each named with where it was written", async () => {
    const resources = [rolePolicy({ Action: ["s3:FlyToTheMoon", "moon:GetObject", "s3:Fly*", "s3Get"] })];
    assert.deepEqual(await problemsOf(plannedActions(resources), actionProblem), [
      `"s3:FlyToTheMoon": s3 has no action "FlyToTheMoon" (at aws:iam/rolePolicy:RolePolicy control inputs.policy Statement[0] (Control).Action)`,
      `"moon:GetObject": AWS has no service with the prefix "moon" (at aws:iam/rolePolicy:RolePolicy control inputs.policy Statement[0] (Control).Action)`,
      `"s3:Fly*" matches no s3 action (at aws:iam/rolePolicy:RolePolicy control inputs.policy Statement[0] (Control).Action)`,
      `"s3Get" is not of the form service:Action (at aws:iam/rolePolicy:RolePolicy control inputs.policy Statement[0] (Control).Action)`,
    ]);
  });

  it("rejects a made-up NotAction, in a trust policy written as an object on an aws-native role", async () => {
    const role: PlannedResource = {
      type: "aws-native:iam:Role",
      name: "native",
      inputs: {
        assumeRolePolicyDocument: {
          Statement: { Effect: "Allow", NotAction: "sts:AssumeRoleFromTheMoon", Principal: { Service: "glue.amazonaws.com" } },
        },
      },
    };
    assert.deepEqual(await problemsOf(plannedActions([role]), actionProblem), [
      `"sts:AssumeRoleFromTheMoon": sts has no action "AssumeRoleFromTheMoon" (at aws-native:iam:Role native inputs.assumeRolePolicyDocument Statement[0].NotAction)`,
    ]);
  });

  it("rejects a misspelt global key and a made-up service key; accepts real ones, tag-key variables included", async () => {
    const resources = [
      rolePolicy({
        Action: "s3:GetObject",
        Condition: {
          StringEquals: { "aws:SourceAcount": "1", "s3:FlightLevel": "9", "aws:SourceAccount": "1", "aws:ResourceTag/retail:product": "x" },
        },
      }),
    ];
    assert.deepEqual(await problemsOf(plannedConditionKeys(resources), conditionKeyProblem), [
      `condition key "aws:SourceAcount" is neither a global key nor one its service defines (at aws:iam/rolePolicy:RolePolicy control inputs.policy Statement[0] (Control).Condition.StringEquals)`,
      `condition key "s3:FlightLevel" is neither a global key nor one its service defines (at aws:iam/rolePolicy:RolePolicy control inputs.policy Statement[0] (Control).Condition.StringEquals)`,
    ]);
  });

  it("accepts real actions and wildcards that match real ones; rejects a made-up Lambda permission or QuickSight permission action", async () => {
    const permission: PlannedResource = { type: "aws:lambda/permission:Permission", name: "p", inputs: { action: "lambda:InvokeFunctionOnTheMoon" } };
    const dataSet: PlannedResource = {
      type: "aws:quicksight/dataSet:DataSet",
      name: "d",
      inputs: { permissions: [{ principal: "arn", actions: ["quicksight:DescribeDataSet", "quicksight:PassDataSetToTheMoon"] }] },
    };
    const resources = [rolePolicy({ Action: ["s3:Get*", "kms:GenerateDataKey*", "s3:*", "*", "S3:getobject"] }), permission, dataSet];
    assert.deepEqual(await problemsOf(plannedActions(resources), actionProblem), [
      `"lambda:InvokeFunctionOnTheMoon": lambda has no action "InvokeFunctionOnTheMoon" (at aws:lambda/permission:Permission p inputs.action)`,
      `"quicksight:PassDataSetToTheMoon": quicksight has no action "PassDataSetToTheMoon" (at aws:quicksight/dataSet:DataSet d inputs.permissions[0].actions)`,
    ]);
  });
});
