import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { decodeConfigValue } from "../../../infra/config";
import { SQL_DIR } from "../../../core/paths";
import { chooseLane } from "../../../core/lanes";
import { BRONZE_PRODUCTS } from "../../../local/lakehouse/input";
import { OUT_SILVER_TABLES } from "../../../local/lakehouse/output";
import { BATCH_MERGES, KPIS, RECONCILED_TABLES, STREAM_MERGES } from "../../../local/lakehouse/pipeline";
import { localProducts, ProductFilesError } from "../../../local/lakehouse/products";
import { stackConfig } from "../../support/stacks";

/** A stack's retail:dataProducts as the program reads them. */
function stackProducts(stack: string): { name: string; semantics: "event" | "snapshot"; freshnessMinutes: number; lane?: never }[] {
  return decodeConfigValue(stackConfig(stack)["retail:dataProducts"]) as ReturnType<typeof stackProducts>;
}

/** A copy of sql/ in a temp folder, for adding a product without touching the repository. */
function sqlCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-products-"));
  fs.cpSync(SQL_DIR, path.join(dir, "sql"), { recursive: true });
  return path.join(dir, "sql");
}

describe("the local lakehouse's products come from sql/, as the program's come from config", () => {
  for (const stack of ["dev", "prod"]) {
    it(`runs exactly the ${stack} stack's retail:dataProducts, merging snapshots before events`, () => {
      const configured = stackProducts(stack);
      assert.deepStrictEqual([...BRONZE_PRODUCTS].sort(), configured.map((p) => p.name).sort());
      assert.deepStrictEqual(
        [...BATCH_MERGES, ...STREAM_MERGES].sort(),
        configured.map((p) => p.name).sort(),
        "every configured product is merged locally",
      );
      for (const p of configured) {
        const local = localProducts().find((l) => l.name === p.name)!;
        assert.strictEqual(local.semantics, p.semantics, `${p.name}: the DDL header's semantics is the config's`);
      }
      assert.ok(BATCH_MERGES.every((p) => configured.find((c) => c.name === p)!.semantics === "snapshot"));
    });
  }

  it("takes campaign_attribution, an hourly batch event product, with its merge, reconciliation, --out table and gold view", () => {
    const row = stackProducts("prod").find((p) => p.name === "campaign_attribution")!;
    assert.strictEqual(chooseLane(row), "batch-hourly");
    assert.ok(STREAM_MERGES.includes("campaign_attribution"));
    assert.ok(RECONCILED_TABLES.includes("campaign_attribution"));
    assert.ok(OUT_SILVER_TABLES.includes("campaign_attribution"));
    assert.ok(KPIS.includes("campaign_roas"));
    assert.ok(!RECONCILED_TABLES.includes("accounting"), "the accounting is not a table's reconciliation");
    assert.ok(!OUT_SILVER_TABLES.includes("event_keys") && !OUT_SILVER_TABLES.includes("quarantine"));
  });

  it("takes a sixth product from its files alone, and names the missing merge file", () => {
    const sql = sqlCopy();
    try {
      const ddl = fs.readFileSync(path.join(sql, "bronze", "campaign_attribution.sql"), "utf8").replace(/campaign_attribution/g, "store_footfall");
      fs.writeFileSync(path.join(sql, "bronze", "store_footfall.sql"), ddl);
      assert.throws(
        () => localProducts(sql),
        (e: Error) => e instanceof ProductFilesError && /store_footfall\.sql has no sql\/merge\/store_footfall\.sql/.test(e.message),
      );
      fs.writeFileSync(path.join(sql, "merge", "store_footfall.sql"), "SELECT 1;");
      const names = localProducts(sql).map((p) => p.name);
      assert.deepStrictEqual(names, [
        "erp_inventory",
        "loyalty_tier",
        "campaign_attribution",
        "cart_events",
        "loyalty_redemptions",
        "pos_transactions",
        "store_footfall",
      ]);
    } finally {
      fs.rmSync(path.dirname(sql), { recursive: true, force: true });
    }
  });
});
