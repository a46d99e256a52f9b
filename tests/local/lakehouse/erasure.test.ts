import * as assert from "assert";
import { LocalLakehouse, Row } from "../../../local/lakehouse/duckdb";
import { eraseMembers } from "../../../local/lakehouse/erasure";
import { accountDay, mergeWindow, reconcileDay } from "../../../local/lakehouse/pipeline";
import { DAY, FIXTURE_SALT, FIXTURE_WINDOW, loadFixture } from "./fixture";

async function rowsOf(lake: LocalLakehouse, loyaltyId: string): Promise<Row> {
  const [row] = await lake.query(`SELECT
    (SELECT count(*) FROM retail_bronze.cart_events WHERE loyalty_id = '${loyaltyId}') AS bronze_cart,
    (SELECT count(*) FROM retail_silver.cart_events WHERE loyalty_id = '${loyaltyId}') AS silver_cart,
    (SELECT count(*) FROM retail_silver.order_events WHERE loyalty_id = '${loyaltyId}') AS orders,
    (SELECT count(*) FROM retail_silver.identity_bridge WHERE loyalty_id = '${loyaltyId}') AS bridge,
    (SELECT count(*) FROM retail_silver.loyalty_tier WHERE loyalty_id = '${loyaltyId}') AS tier`);
  return row;
}

describe("erasure of a loyalty member (sql/erasure/member.sql on the local lakehouse)", () => {
  it("removes erin (L5) everywhere, her anonymous session and unscanned receipt included; the others and reconciliation are untouched", async () => {
    const lake = await LocalLakehouse.open();
    try {
      await loadFixture(lake);
      await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
      const others = await Promise.all(["L1", "L2", "L3", "L4"].map((m) => rowsOf(lake, m)));
      // Erin's kept keys, as the key index holds them, before the erasure.
      const erinKeys = (await lake.query("SELECT event_id FROM retail_silver.cart_events WHERE loyalty_id = 'L5'")).map((r) => `'${r.event_id}'`);
      const indexed = async () =>
        Number((await lake.query(`SELECT count(*) AS n FROM retail_silver.event_keys WHERE event_id IN (${erinKeys.join(", ")})`))[0].n);
      assert.ok(erinKeys.length > 0 && (await indexed()) > 0, "the key index holds erin's cart events");
      const accounted = async () => (await accountDay(lake, DAY)) as Record<string, { unaccounted: number }>;
      assert.ok(
        Object.values(await accounted()).every((a) => a.unaccounted === 0),
        "the fixture balances before the erasure",
      );
      const [erin] = await lake.query("SELECT count(*) AS n FROM retail_silver.order_events WHERE loyalty_id = 'L5'");
      assert.ok(Number(erin.n) > 0, "the fixture resolves erin's unscanned receipt through the bridge");
      const report = await eraseMembers(lake, ["L5"], () => reconcileDay(lake, DAY));
      assert.deepStrictEqual(report, { members: 1, rowsRemaining: 0, unaccounted: 0 });
      assert.deepStrictEqual(await rowsOf(lake, "L5"), { bronze_cart: 0, silver_cart: 0, orders: 0, bridge: 0, tier: 0 });
      const [anon] = await lake.query("SELECT count(*) AS n FROM retail_bronze.pos_transactions WHERE lower(trim(email)) = 'erin@example.com'");
      assert.strictEqual(Number(anon.n), 0, "the unscanned receipt carrying her email is gone from bronze");
      assert.deepStrictEqual(await Promise.all(["L1", "L2", "L3", "L4"].map((m) => rowsOf(lake, m))), others);
      assert.ok((await reconcileDay(lake, DAY)).every((r) => r.status === "ok"));
      assert.strictEqual(await indexed(), 0, "her keys (and their payload digests) are gone from the key index");
      assert.ok(
        Object.values(await accounted()).every((a) => a.unaccounted === 0),
        "bronze = silver + quarantined + duplicates after the erasure",
      );
    } finally {
      lake.close();
    }
  });

  it("refuses a loyalty id that is not an id, naming the value and the fix", async () => {
    const lake = await LocalLakehouse.open();
    try {
      await assert.rejects(
        lake.runFile("erasure/member.sql", { loyalty_id: "L1' OR '1'='1" }),
        /placeholder \{\{loyalty_id\}\} has invalid value "L1' OR '1'='1": pass the member's loyalty id as 1-64 characters/,
      );
    } finally {
      lake.close();
    }
  });
});
