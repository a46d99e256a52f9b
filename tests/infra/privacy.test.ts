import { strict as assert } from "assert";
import { byType, ProgramRun } from "../../local/harness";
import { runStack } from "../support/stacks";

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

describe("privacy over the prod plan", function () {
  let prod: ProgramRun;
  before(async () => {
    prod = await runStack("prod");
  });

  describe("log groups", () => {
    it("encrypts every log group with the platform key (the 4 Lambda and 2 Firehose groups)", () => {
      const [key] = byType(prod, "aws:kms/key:Key");
      const groups = byType(prod, LOG_GROUP);
      assert.equal(groups.length, 6, `expected 4 Lambda + 2 Firehose log groups, got ${groups.map((g) => g.name).join(", ")}`);
      const keyArn = `arn:aws:kms:us-east-1:123456789012:key/${key.name}-key-id`;
      const wrong = groups.filter((g) => g.inputs.kmsKeyId !== keyArn).map((g) => `${g.name}: ${JSON.stringify(g.inputs.kmsKeyId ?? null)}`);
      assert.deepEqual(wrong, [], "log groups without the platform key");
    });

    it("lets CloudWatch Logs in the stack's region use the key only for this account's log groups", () => {
      const [key] = byType(prod, "aws:kms/key:Key");
      const policy = JSON.parse(key.inputs.policy);
      const logs = policy.Statement.filter((s: any) => s.Principal?.Service === "logs.us-east-1.amazonaws.com");
      assert.equal(logs.length, 1, "one key policy statement for logs.us-east-1.amazonaws.com");
      assert.deepEqual(logs[0].Condition, {
        ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:log-group:*" },
      });
      for (const a of ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*", "kms:Describe*"]) assert.ok(logs[0].Action.includes(a), a);
    });
  });
});
