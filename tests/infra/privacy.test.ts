import { strict as assert } from "assert";
import { byType, ProgramRun, RecordedResource } from "../../local/harness";
import { runStack } from "../support/stacks";
import { loadTableDefs } from "../../core/tables";

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const LF_GRANT = "aws:lakeformation/permissions:Permissions";
/** Table permissions that change or remove the table itself, or imply every permission. */
const STRUCTURAL = ["ALL", "SUPER", "ALTER", "DROP"];

/** A grant's target as `namespace.table` (`namespace.*` for a wildcard), or `db:namespace`. */
function target(g: RecordedResource): string {
  if (g.inputs.table) return `${g.inputs.table.databaseName}.${g.inputs.table.wildcard ? "*" : g.inputs.table.name}`;
  if (g.inputs.tableWithColumns) return `${g.inputs.tableWithColumns.databaseName}.${g.inputs.tableWithColumns.name}`;
  return `db:${g.inputs.database?.name}`;
}
/** The role name at the end of a mock principal ARN. */
function role(g: RecordedResource): string {
  return String(g.inputs.principal)
    .replace(/^.*:role\//, "")
    .replace(/-mock$/, "");
}

describe("privacy over the prod plan", function () {
  let prod: ProgramRun;
  before(async () => {
    prod = await runStack("prod");
  });

  describe("log groups", () => {
    it("encrypts every log group with the platform key (the 7 Lambda and 2 Firehose groups)", () => {
      const [key] = byType(prod, "aws:kms/key:Key");
      const groups = byType(prod, LOG_GROUP);
      assert.equal(
        groups.length,
        9,
        `expected 7 Lambda (merge, reconcile, freshness, maintenance, erase, backfill, canary) + 2 Firehose log groups, got ${groups.map((g) => g.name).join(", ")}`,
      );
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

  describe("Lake Formation least privilege", () => {
    const grants = () => byType(prod, LF_GRANT);

    it("no principal holds ALL, SUPER, ALTER or DROP on a table or namespace, but each Firehose ALL on its own bronze table, which its Iceberg destination requires", () => {
      const wide = grants()
        .filter((g) => [...(g.inputs.permissions ?? []), ...(g.inputs.permissionsWithGrantOption ?? [])].some((p: string) => STRUCTURAL.includes(p)))
        .map((g) => `${role(g)} ${JSON.stringify(g.inputs.permissions)} on ${target(g)}`);
      assert.ok(grants().length > 40, "the plan makes the platform's grants");
      assert.deepEqual(wide.sort(), [
        'retail-prod-cart-events-firehose ["ALL"] on retail_bronze.cart_events',
        'retail-prod-pos-transactions-firehose ["ALL"] on retail_bronze.pos_transactions',
      ]);
    });

    it("namespaces are only described, never granted on", () => {
      const onDb = grants().filter((g) => g.inputs.database);
      assert.ok(onDb.length > 0);
      assert.deepEqual(onDb.filter((g) => JSON.stringify(g.inputs.permissions) !== '["DESCRIBE"]').map(target), []);
    });

    it("Glue writers append to their own bronze table only (INSERT and DESCRIBE); each Firehose writes its own bronze table only", () => {
      const writers = grants().filter((g) => /-(firehose|glue)$/.test(role(g)) && !g.inputs.database);
      assert.equal(writers.length, 6, "2 streamed + 4 batch products");
      for (const g of writers) {
        const product = role(g)
          .replace(/^retail-prod-/, "")
          .replace(/-(firehose|glue)$/, "")
          .replace(/-/g, "_");
        assert.equal(target(g), `retail_bronze.${product}`, role(g));
        assert.deepEqual(g.inputs.permissions, role(g).endsWith("-glue") ? ["INSERT", "DESCRIBE"] : ["ALL"], `${role(g)} on ${target(g)}`);
      }
    });

    it("the merge role runs its DML on silver (SELECT, INSERT, DELETE, DESCRIBE) and only reads bronze", () => {
      const merge = grants().filter((g) => role(g) === "retail-prod-ops-merge" && !g.inputs.database);
      const silver = merge.filter((g) => target(g).startsWith("retail_silver."));
      assert.equal(silver.length, [...loadTableDefs().values()].filter((t) => t.namespace === "retail_silver").length, "every silver table");
      for (const g of silver) assert.deepEqual(g.inputs.permissions, ["SELECT", "INSERT", "DELETE", "DESCRIBE"], target(g));
      for (const g of merge.filter((x) => target(x).startsWith("retail_bronze."))) assert.deepEqual(g.inputs.permissions, ["SELECT", "DESCRIBE"]);
    });
  });

  describe("erasure", () => {
    it("the erase role may find and delete rows (SELECT, DELETE, DESCRIBE) in bronze and silver, never insert", () => {
      const erase = byType(prod, LF_GRANT).filter((g) => role(g) === "retail-prod-ops-erase" && g.inputs.table);
      assert.equal(
        erase.length,
        14,
        "4 bronze, 9 silver tables (the key index, duplicates and unresolved-identities records included) and the salt table",
      );
      for (const g of erase.filter((x) => target(x) !== "retail_ops.email_salt"))
        assert.deepEqual(g.inputs.permissions, ["SELECT", "DELETE", "DESCRIBE"], target(g));
    });

    it("re-ingests exactly the SPICE datasets after erasing, and may start nothing else in QuickSight", () => {
      const spice = byType(prod, "aws:quicksight/dataSet:DataSet").filter((d) => d.inputs.importMode === "SPICE");
      assert.ok(spice.length > 0);
      const fn = byType(prod, "aws:lambda/function:Function").find((f) => f.name === "retail-prod-ops-erase")!;
      assert.deepEqual(JSON.parse(fn.inputs.environment.variables.SPICE_DATASET_IDS), spice.map((d) => d.inputs.dataSetId).sort());
      const policy = JSON.parse(byType(prod, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "retail-prod-ops-erase")!.inputs.policy);
      const quicksight = policy.Statement.filter((st: { Action: string[] }) => st.Action.some((a) => a.startsWith("quicksight:")));
      assert.deepEqual(
        quicksight.map((st: { Action: string[] }) => st.Action),
        [["quicksight:CreateIngestion"]],
      );
      assert.deepEqual(quicksight[0].Resource, spice.map((d) => `${d.state.arn}/ingestion/*`).sort());
    });
  });

  describe("QuickSight", () => {
    const quicksight = () => byType(prod, LF_GRANT).filter((g) => role(g) === "retail-prod-gold-quicksight");

    it("reads exactly the silver tables the gold views read: never identity_bridge, quarantine or bronze", () => {
      const tables = quicksight()
        .filter((g) => !g.inputs.database)
        .map(target)
        .sort();
      assert.deepEqual(tables, [
        "retail_silver.campaign_attribution",
        "retail_silver.cart_events",
        "retail_silver.erp_inventory",
        "retail_silver.loyalty_redemptions",
        "retail_silver.order_events",
      ]);
      for (const g of quicksight().filter((x) => !x.inputs.database)) assert.deepEqual(g.inputs.permissions, ["SELECT", "DESCRIBE"]);
    });

    it("its IAM policy names those tables, with no table wildcard outside the gold database", () => {
      const policy = JSON.parse(byType(prod, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "retail-prod-gold-quicksight")!.inputs.policy);
      const glue: string[] = policy.Statement.find((s: { Sid: string }) => s.Sid === "ReadGoldAndLinkedCatalog").Resource;
      assert.deepEqual(
        glue.filter((a) => a.includes(":table/") && a.endsWith("/*")),
        ["arn:aws:glue:us-east-1:123456789012:table/retail_gold/*"],
      );
      assert.ok(!glue.some((a) => /identity_bridge|quarantine/.test(a)));
    });
  });
});
