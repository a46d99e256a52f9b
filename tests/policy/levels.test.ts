import { strict as assert } from "assert";
import { EnforcementLevel } from "@pulumi/policy";
import { packArgs } from "../../policy/pack";

/**
 * The level each policy is served at, written out from the README's policy section rather than read from
 * policy/config.ts: a level that drifts to advisory stops failing previews without anyone deciding it should.
 * Adding or removing a policy means deciding its level here too.
 */
const EXPECTED_LEVELS: Record<string, EnforcementLevel> = {
  // SPICE: over the cap is an error; a dataset that does not say its size is a nudge.
  "spice-row-cap": "mandatory",
  "spice-expected-rows-declared": "advisory",
  "spice-refresh-within-cutoff": "mandatory",
  "iceberg-event-tables-partitioned-by-day": "mandatory",
  // Kinesis: under-provisioning is an error; an undeclared peak and a peak beyond the load test are nudges.
  "kinesis-shards-for-peak": "mandatory",
  "kinesis-peak-declared": "advisory",
  "kinesis-peak-load-tested": "advisory",
  "athena-workgroup-enforced": "mandatory",
  "athena-bytes-scanned-cutoff": "mandatory",
  "athena-results-encrypted": "mandatory",
  "amazon-q-topic-steward-approved": "mandatory",
  // Security baseline.
  "encryption-at-rest": "mandatory",
  "s3-bucket-encrypted": "mandatory",
  "s3-bucket-public-access-blocked": "mandatory",
  "iam-no-wildcard-action": "mandatory",
  "iam-no-wildcard-resource-on-data-store": "mandatory",
  "iam-no-broad-action-on-any-resource": "mandatory",
  "iam-no-public-trust": "mandatory",
  "iam-no-broad-managed-policies": "mandatory",
  "prod-stateful-protected": "mandatory",
  // Privacy: personal data granted beyond its readers is an error.
  "lakeformation-pii-grants": "mandatory",
  // This platform's own stacks.
  "platform-streaming-products-complete": "mandatory",
  "platform-catalog-kpis-have-datasets": "mandatory",
  "platform-silver-tables-reconciled": "mandatory",
};

describe("policy: enforcement levels", () => {
  it("serves every policy of the pack at its intended level, and no policy the table does not name", () => {
    const served = packArgs.policies.map((p) => [p.name, p.enforcementLevel] as const);
    assert.equal(new Set(served.map(([name]) => name)).size, served.length, "policy names are unique");
    assert.deepEqual(Object.fromEntries(served), EXPECTED_LEVELS);
  });
});
