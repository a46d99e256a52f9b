import * as assert from "assert";
import { EraseError, runErase } from "../../functions/erase";
import { loadSql } from "../../core/sql/files";
import { splitStatements } from "../../core/sql/text";
import { planOperations } from "../../components/operations/plan";
import { fakeRunner, RecordingAlerts } from "./fakes";

const STATEMENTS = splitStatements(loadSql("erasure/member.sql"));

describe("erase handler", () => {
  it("runs the erasure statements in order for the member and counts the rows each table lost", async () => {
    const runner = fakeRunner([
      [/DELETE FROM retail_silver.cart_events\nWHERE event_id IN/, [{ Count: 3 }]],
      [/DELETE FROM retail_bronze.cart_events/, [{ Count: 4 }]],
      [/./, [{ Count: 0 }]],
    ]);
    const alerts = new RecordingAlerts();
    const reingested: string[] = [];
    const spice = {
      datasetIds: ["retail-prod-gold-conversion-rate", "retail-prod-gold-cart-abandonment"],
      reingest: async (id: string) => {
        assert.strictEqual(runner.statements.length, STATEMENTS.length, "only after every delete has run");
        reingested.push(id);
      },
    };
    const report = await runErase({ loyaltyId: "L000123" }, { statements: STATEMENTS }, { runner, alerts, spice });
    assert.deepStrictEqual(reingested, spice.datasetIds);
    assert.deepStrictEqual(report.reingested, spice.datasetIds);
    assert.strictEqual(runner.statements.length, STATEMENTS.length);
    assert.ok(runner.statements.every((s) => !s.includes("{{") && (s.includes("'L000123'") || !s.includes("loyalty_id ="))));
    assert.deepStrictEqual(
      runner.statements.map((s) => /DELETE FROM (\S+)/.exec(s)![1]),
      [
        "retail_silver.cart_events",
        "retail_silver.order_events",
        "retail_silver.order_events",
        "retail_silver.loyalty_redemptions",
        "retail_silver.loyalty_tier",
        "retail_silver.quarantine",
        "retail_silver.quarantine",
        "retail_silver.quarantine",
        "retail_silver.quarantine",
        "retail_silver.event_keys",
        "retail_silver.duplicates",
        "retail_silver.event_keys",
        "retail_silver.duplicates",
        "retail_silver.event_keys",
        "retail_silver.duplicates",
        "retail_bronze.cart_events",
        "retail_bronze.pos_transactions",
        "retail_bronze.loyalty_redemptions",
        "retail_bronze.loyalty_tier",
        "retail_silver.cart_events",
        "retail_silver.order_events",
        "retail_silver.unresolved_identities",
        "retail_silver.identity_bridge",
      ],
      "silver and quarantine first, bronze next, silver rows by resolved loyalty_id (their keys served the statements above), the rows merged unresolved (found by the member's hashes), the bridge (which holds those hashes) last",
    );
    assert.strictEqual(report.rowsByTable["retail_silver.cart_events"], 3);
    assert.strictEqual(report.rowsByTable["retail_bronze.cart_events"], 4);
    assert.strictEqual(alerts.metric("RowsErased", ["Table", "retail_bronze.cart_events"]), 4);
    assert.ok(!JSON.stringify(report).includes("L000123"), "the report is logged: it does not repeat the id");
  });

  it("refuses a missing or malformed loyalty id before running anything, naming the field", async () => {
    for (const event of [{ loyaltyId: "L1' OR '1'='1" }, {} as { loyaltyId: string }]) {
      const runner = fakeRunner([]);
      const spice = { datasetIds: ["d"], reingest: async () => assert.fail("nothing is re-ingested for a refused request") };
      await assert.rejects(runErase(event, { statements: STATEMENTS }, { runner, alerts: new RecordingAlerts(), spice }), (e: unknown) => {
        assert.ok(e instanceof EraseError);
        assert.match(e.message, /^erase: event\.loyaltyId: /);
        return true;
      });
      assert.strictEqual(runner.statements.length, 0);
    }
  });

  it("is planned with only the statements whose tables the stack has", () => {
    const silver = [
      "cart_events",
      "order_events",
      "identity_bridge",
      "loyalty_tier",
      "quarantine",
      "loyalty_redemptions",
      "erp_inventory",
      "event_keys",
      "duplicates",
      "canary_arrivals",
      "unresolved_identities",
      "campaign_attribution",
    ].map((t) => `retail_silver.${t}`);
    const bronze = ["cart_events", "pos_transactions", "loyalty_tier"].map((t) => `retail_bronze.${t}`);
    const plan = planOperations(
      {
        products: [{ name: "cart_events", lane: "stream", freshnessMinutes: 5 }],
        goldChannelMode: "omnichannel",
        kpiFreshnessBudgetMinutes: {},
        batchJobNames: {},
      },
      [...silver, ...bronze],
    );
    const targets = plan.erasure.map((s) => /DELETE FROM (\S+)/.exec(s)![1]);
    assert.ok(targets.includes("retail_bronze.cart_events") && targets.includes("retail_silver.identity_bridge"), targets.join());
    assert.ok(!targets.includes("retail_bronze.loyalty_redemptions"), "no redemptions lane: nothing of anyone's there");
    assert.ok(!targets.includes("retail_silver.loyalty_redemptions"), "its silver statement reads the missing bronze table");
    assert.ok(!plan.access.erase.writes.includes("retail_bronze.loyalty_redemptions"));
    const readsRedemptions = STATEMENTS.filter((st) => st.includes("retail_bronze.loyalty_redemptions"));
    assert.strictEqual(readsRedemptions.length, 5, "silver, quarantine, key index, duplicates and bronze statements of the lane");
    assert.strictEqual(targets.length, STATEMENTS.length - readsRedemptions.length);
  });
});
