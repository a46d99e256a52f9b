import { strict as assert } from "assert";
import {
  AWS_NAME_RULES,
  awsNameProblem,
  CLOUDWATCH_LOG_RETENTION_DAYS,
  defaultShardQuota,
  nearestLogRetentionDays,
  requiredShards,
} from "../../core/limits";
import { AUTONAME_RANDOM_CHARS, autonamed, platformPrefix, teamSlug } from "../../core/names";

describe("core limits: what AWS accepts", () => {
  it("defaultShardQuota: 20,000 in us-east-1, us-west-2 and eu-west-1, the lower documented 1,000 elsewhere", () => {
    for (const r of ["us-east-1", "us-west-2", "eu-west-1"]) assert.equal(defaultShardQuota(r), 20_000, r);
    for (const r of ["us-east-2", "eu-central-1", "ap-southeast-2", "us-gov-west-1"]) assert.equal(defaultShardQuota(r), 1_000, r);
    assert.throws(() => defaultShardQuota("US East"), /"US East" is not an AWS Region code/);
    // The stream: 1 MiB records at 8,000/s need 8,000 shards, within us-east-1's default and over eu-central-1's.
    assert.equal(requiredShards(8000, 1024 * 1024), 8000);
    assert.ok(requiredShards(8000, 1024 * 1024) <= defaultShardQuota("us-east-1"));
    assert.ok(requiredShards(8000, 1024 * 1024) > defaultShardQuota("eu-central-1"));
  });

  it("nearestLogRetentionDays names the allowed values on either side, one side at the ends", () => {
    assert.deepEqual(nearestLogRetentionDays(13), { below: 7, above: 14 });
    assert.deepEqual(nearestLogRetentionDays(2), { below: 1, above: 3 });
    assert.deepEqual(nearestLogRetentionDays(0), { above: 1 });
    assert.deepEqual(nearestLogRetentionDays(4000), { below: 3653 });
    assert.equal(CLOUDWATCH_LOG_RETENTION_DAYS.length, 22);
  });

  it("awsNameProblem: a name at its limit passes, one over fails, and so do characters AWS refuses", () => {
    const rule = AWS_NAME_RULES.firehoseStream;
    assert.equal(awsNameProblem(rule, "f".repeat(64)), undefined);
    assert.equal(awsNameProblem(rule, "f".repeat(65)), "65 characters, over the 64 AWS allows");
    assert.equal(awsNameProblem(rule, "my stream"), "AWS allows only letters, digits, _ . -");
    assert.equal(awsNameProblem(AWS_NAME_RULES.s3Bucket, "ab"), "2 characters, under the 3 AWS requires");
    assert.match(awsNameProblem(AWS_NAME_RULES.s3Bucket, "Retail-Errors")!, /lowercase/);
    assert.equal(awsNameProblem(AWS_NAME_RULES.s3Bucket, "retail-errors"), undefined);
  });

  it("autonamed adds Pulumi's '-' and 7 random characters; the prefix and team slugs are the components'", () => {
    assert.equal(AUTONAME_RANDOM_CHARS, 7);
    assert.equal(autonamed("retail-prod-cart-events-delivery"), "retail-prod-cart-events-delivery-xxxxxxx");
    assert.equal(platformPrefix("prod"), "retail-prod");
    assert.equal(teamSlug(" E-commerce & Web! "), "e-commerce-web");
  });
});
