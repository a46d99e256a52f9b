import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { arn } from "../../components/account";
import { REPO_ROOT } from "../../core/paths";

const value = (o: pulumi.Output<string>) => new Promise<string>((resolve) => o.apply(resolve));
const CN = { partition: "aws-cn", accountId: "210987654321", region: "cn-north-1" };

describe("account: one lookup, every ARN in its partition", () => {
  it("builds regional, IAM-style and S3-style ARNs in the account's partition", async () => {
    assert.equal(await value(arn(CN, "glue", "catalog")), "arn:aws-cn:glue:cn-north-1:210987654321:catalog");
    assert.equal(await value(arn(CN, "iam", "root", { region: false })), "arn:aws-cn:iam::210987654321:root");
    assert.equal(await value(arn(CN, "s3", "bucket/key*", { region: false, account: false })), "arn:aws-cn:s3:::bucket/key*");
  });

  it("leaves no partition, account or region lookup to the components and the program but the one in components/account.ts", () => {
    const files = ["components", "infra"].flatMap((dir) =>
      (fs.readdirSync(path.join(REPO_ROOT, dir), { recursive: true }) as string[]).filter((f) => f.endsWith(".ts")).map((f) => path.join(dir, f)),
    );
    const offenders = files
      .filter((f) => !["components/account.ts", "components/aws.ts"].includes(f))
      .filter((f) =>
        /arn:aws:|getCallerIdentityOutput\(|getRegionOutput\(|getPartitionOutput\(/.test(fs.readFileSync(path.join(REPO_ROOT, f), "utf8")),
      );
    assert.deepEqual(offenders, []);
  });
});
