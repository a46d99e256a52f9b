import { strict as assert } from "assert";
import { catalogPackConfig } from "../../local/packConfig";
import { lakeFormationPiiGrants } from "../../policy/rules/lakeformation";
import { Case, runPolicy, UNKNOWN_STRING } from "./harness";

const CLASSIC = "aws:lakeformation/permissions:Permissions";
const NATIVE = "aws-native:lakeformation:PrincipalPermissions";
// The PII tables `npm run policy:config` writes from the sql/ headers: identity_bridge allows ops-merge, ops-freshness and ops-erase.
const CONFIG = catalogPackConfig()["lakeformation-pii-grants"];
const CATALOG = "123456789012:s3tablescatalog/retail-prod-tables";
const role = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
const MERGE = role("retail-prod-ops-merge-1a2b3c4");
const QUICKSIGHT = role("retail-prod-gold-quicksight-9f8e7d6");

type Target = { table?: string; wildcard?: boolean; columns?: string[] };
const classic = (principal: string, t: Target, namespace = "retail_silver"): Case => ({
  type: CLASSIC,
  name: "grant",
  config: CONFIG,
  props: {
    principal,
    permissions: ["SELECT", "DESCRIBE"],
    ...(t.columns
      ? { tableWithColumns: { catalogId: CATALOG, databaseName: namespace, name: t.table, columnNames: t.columns } }
      : { table: { catalogId: CATALOG, databaseName: namespace, ...(t.wildcard ? { wildcard: true } : { name: t.table }) } }),
  },
});
const native = (principal: string, t: Target, namespace = "retail_silver"): Case => ({
  type: NATIVE,
  name: "grant",
  config: CONFIG,
  props: {
    principal: { dataLakePrincipalIdentifier: principal },
    permissions: ["SELECT", "DESCRIBE"],
    permissionsWithGrantOption: [],
    resource: t.columns
      ? { tableWithColumns: { catalogId: CATALOG, databaseName: namespace, name: t.table, columnNames: t.columns } }
      : { table: { catalogId: CATALOG, databaseName: namespace, ...(t.wildcard ? { tableWildcard: {} } : { name: t.table }) } },
  },
});
const run = (c: Case) => runPolicy(lakeFormationPiiGrants, c);
const BRIDGE_MSG = (who: string, what: string) =>
  `Lake Formation grant "grant" gives ${who} ["SELECT","DESCRIBE"] on ${what}; sql/silver/identity_bridge.sql allows only roles named with ops-merge, ops-freshness, ops-erase. ` +
  "Fix: grant only the tables this principal's work reads (QuickSight: the gold views' inputs), or add the role to the table's pii= readers if it must process personal data.";

describe("policy: Lake Formation grants on PII tables (lakeformation-pii-grants)", () => {
  for (const [kind, make] of [
    ["classic", classic],
    ["aws-native", native],
  ] as const) {
    describe(kind, () => {
      it("Compliance: the merge role on identity_bridge; QuickSight on a table that is not PII", async () => {
        assert.deepEqual((await run(make(MERGE, { table: "identity_bridge" }))).violations, []);
        const out = await run(make(QUICKSIGHT, { table: "order_events" }));
        assert.deepEqual(out.violations, []);
        assert.ok(out.notApplicable.includes("reaches no table the platform marks as PII"), JSON.stringify(out.notApplicable));
      });

      it("Compliance: a role under an IAM path, and a wildcard over a namespace with no PII table", async () => {
        assert.deepEqual((await run(make(role("service-role/retail-prod-ops-freshness-77aa"), { table: "identity_bridge" }))).violations, []);
        assert.deepEqual((await run(make(QUICKSIGHT, { wildcard: true }, "retail_gold"))).violations, []);
      });

      it("Noncompliance 1: QuickSight on identity_bridge, by table and by columns", async () => {
        for (const t of [{ table: "identity_bridge" }, { table: "identity_bridge", columns: ["loyalty_id"] }]) {
          assert.deepEqual((await run(make(QUICKSIGHT, t))).violations, [
            BRIDGE_MSG("role retail-prod-gold-quicksight-9f8e7d6", "PII table retail_silver.identity_bridge"),
          ]);
        }
      });

      it("Noncompliance 2: a wildcard over silver reaches every PII table in it", async () => {
        const out = await run(make(QUICKSIGHT, { wildcard: true }));
        // Every silver PII table: the key index and the duplicates record too (their digests include the raw email), and
        // the unresolved-identities record (salted email hashes).
        assert.equal(out.violations.length, 6, out.violations.join("\n"));
        const about = (table: string) => out.violations.find((v) => v.includes(`PII table retail_silver.${table} included`))!;
        for (const t of ["duplicates", "event_keys", "quarantine", "unresolved_identities"]) assert.ok(about(t), t);
        assert.equal(
          about("identity_bridge"),
          BRIDGE_MSG("role retail-prod-gold-quicksight-9f8e7d6", "every table of retail_silver, PII table retail_silver.identity_bridge included"),
        );
        assert.match(
          about("loyalty_tier"),
          /PII table retail_silver.loyalty_tier included; sql\/silver\/loyalty_tier.sql allows only roles named with ops-merge, ops-reconcile, ops-backfill, ops-freshness, ops-erase/,
        );
        assert.match(about("quarantine"), /PII table retail_silver.quarantine included/);
      });

      it("Noncompliance 3: a role that only contains a reader's name inside a word, and a principal that is not a role", async () => {
        assert.equal((await run(make(role("retail-prod-ops-merger-1a2b"), { table: "identity_bridge" }))).violations.length, 1);
        assert.deepEqual((await run(make("IAM_ALLOWED_PRINCIPALS", { table: "identity_bridge" }))).violations, [
          BRIDGE_MSG('principal "IAM_ALLOWED_PRINCIPALS", which is not an IAM role', "PII table retail_silver.identity_bridge"),
        ]);
      });

      it("Noncompliance 4: a bronze writer of one product on another product's raw emails", async () => {
        const out = await run(make(role("retail-prod-pos-transactions-firehose-aa11"), { table: "cart_events" }, "retail_bronze"));
        assert.match(
          out.violations[0],
          /on PII table retail_bronze.cart_events; sql\/bronze\/cart_events.sql allows only roles named with cart-events-firehose, ops-merge, ops-reconcile, ops-backfill, ops-erase, ops-maintenance\./,
        );
      });

      it("Noncompliance 5: any role but the merge on the salt table; Compliance: the merge on it", async () => {
        const freshness = role("retail-prod-ops-freshness-1a2b3c4");
        const out = await run(make(freshness, { table: "email_salt" }, "retail_ops"));
        assert.match(out.violations[0], /on PII table retail_ops.email_salt; core\/emailSalt.ts allows only roles named with ops-merge, ops-erase\./);
        assert.deepEqual((await run(make(MERGE, { table: "email_salt" }, "retail_ops"))).violations, []);
      });

      it("an unknown principal is reported as unknown (advisory in preview), not passed", async () => {
        const out = await run(make(UNKNOWN_STRING, { table: "identity_bridge" }));
        assert.ok(out.unknown !== undefined, JSON.stringify(out));
      });
    });
  }

  it("Not applicable: a database grant", async () => {
    const out = await run({
      type: CLASSIC,
      config: CONFIG,
      props: { principal: QUICKSIGHT, permissions: ["DESCRIBE"], database: { name: "retail_silver" } },
    });
    assert.deepEqual(out.violations, []);
    assert.ok(out.notApplicable.includes("grants no table data (a database, data location or LF-tag grant)"), JSON.stringify(out.notApplicable));
  });
});
