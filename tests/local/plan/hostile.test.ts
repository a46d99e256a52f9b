import { strict as assert } from "assert";
import { REPO_ROOT } from "../../../core/paths";
import { plan } from "../../../local/plan";

// Programs a hostile or careless team could write, each resource walking around one rule: the plan must exit 1
// naming each rule and resource, and nothing else.
const HOSTILE: Record<string, readonly string[]> = {
  "hostile-native": [
    "athena-bytes-scanned-cutoff native-adhoc",
    "athena-results-encrypted native-adhoc",
    "athena-workgroup-enforced native-adhoc",
    "encryption-at-rest native-clicks",
    "encryption-at-rest native-queue",
    "encryption-at-rest plain-queue",
    "iam-no-broad-managed-policies native-admin",
    "iam-no-public-trust native-admin",
    "iam-no-wildcard-action native-admin",
    "kinesis-shards-for-peak native-clicks",
    "s3-bucket-encrypted native-public",
    "s3-bucket-public-access-blocked native-public",
    "spice-row-cap native-big",
  ],
  "hostile-tags": [
    "kinesis-shards-for-peak bytes-kib",
    "kinesis-shards-for-peak peak-commas",
    "kinesis-shards-for-peak peak-k",
    "spice-row-cap rows-commas",
    "spice-row-cap rows-empty",
    "spice-row-cap rows-inherited",
    "spice-row-cap rows-scientific",
    "spice-row-cap rows-suffix",
  ],
  "hostile-iam": [
    "iam-no-broad-action-on-any-resource sensitive",
    "iam-no-broad-action-on-any-resource service-wide",
    "iam-no-broad-managed-policies read-everything",
    "iam-no-public-trust open-trust",
    "iam-no-wildcard-action not-action",
    "iam-no-wildcard-action user-everything",
  ],
  "hostile-refresh": [
    "spice-refresh-within-cutoff borrowed-kpi",
    "spice-refresh-within-cutoff or-true",
    "spice-refresh-within-cutoff too-wide",
    "spice-refresh-within-cutoff unbounded",
  ],
  "hostile-exemptions": [
    "amazon-q-topic-steward-approved unapproved-q",
    "iceberg-event-tables-partitioned-by-day borrowed-name",
    "iceberg-event-tables-partitioned-by-day snapshot-liar",
    "iceberg-event-tables-partitioned-by-day untagged",
  ],
};

describe("plan: hostile programs against the pack", () => {
  for (const [fixture, expected] of Object.entries(HOSTILE)) {
    it(`exits 1 on ${fixture}, naming every rule and resource it walks around`, async () => {
      const o = await plan({ stack: "dev", program: `tests/fixtures/${fixture}/index.ts`, cwd: REPO_ROOT });
      assert.ok("report" in o, "errors" in o ? o.errors.join("\n") : "no report");
      assert.equal(o.exitCode, 1);
      const mandatory = o.report.policies.violations.filter((v) => v.enforcementLevel === "mandatory");
      const found = mandatory.map((v) => `${v.policy} ${v.urn.split("::").pop()}`).sort();
      assert.deepEqual(found, [...expected].sort(), mandatory.map((v) => v.message).join("\n"));
      for (const v of mandatory) assert.match(v.message, /Fix:|fix/i, `${v.policy}: a finding says how to fix it`);
    });
  }
});
