import * as assert from "assert";
import { mergeWindow, reconcileDay } from "../../../local/lakehouse/pipeline";
import { LocalLakehouse } from "../../../local/lakehouse/duckdb";
import { DAY, FIXTURE_SALT, FIXTURE_WINDOW, loadFixture } from "./fixture";

describe("a bronze row with no arrival time (received_at NULL)", () => {
  it("is quarantined as missing_received_at once, never skipped, and reconciled on its event day", async () => {
    const lake = await LocalLakehouse.open();
    await loadFixture(lake);
    for (const [table, id] of [
      ["cart_events", "c2"],
      ["pos_transactions", "p2"],
      ["loyalty_redemptions", "rd1"],
    ]) {
      await lake.run(`INSERT INTO retail_bronze.${table}
        SELECT * REPLACE ('no-arrival-' || event_id AS event_id, CAST(NULL AS timestamp) AS received_at) FROM retail_bronze.${table} WHERE event_id = '${id}'`);
    }
    await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
    await mergeWindow(lake, { start: "2026-07-03 00:00:00", end: "2026-07-04 00:00:00" }, FIXTURE_SALT);
    const rows = await lake.query(`SELECT source_table, event_id, reason, CAST(event_ts AS date)::varchar AS day FROM retail_silver.quarantine
      WHERE event_id LIKE 'no-arrival-%' ORDER BY 1`);
    assert.deepStrictEqual(rows, [
      { source_table: "cart_events", event_id: "no-arrival-c2", reason: "missing_received_at", day: DAY },
      { source_table: "loyalty_redemptions", event_id: "no-arrival-rd1", reason: "missing_received_at", day: DAY },
      { source_table: "pos_transactions", event_id: "no-arrival-p2", reason: "missing_received_at", day: DAY },
    ]);
    const [silver] = await lake.query(`SELECT
      (SELECT count(*) FROM retail_silver.cart_events WHERE event_id LIKE 'no-arrival-%') +
      (SELECT count(*) FROM retail_silver.order_events WHERE event_id LIKE 'no-arrival-%') +
      (SELECT count(*) FROM retail_silver.loyalty_redemptions WHERE event_id LIKE 'no-arrival-%') AS n`);
    assert.strictEqual(silver.n, 0);
    const recon = await reconcileDay(lake, DAY);
    for (const r of recon) assert.strictEqual(r.status, "ok", `${r.table}: ${r.source} vs ${r.silver}`);
    // The bronze side counts them: without the NULL partition it would be one row short on each event table.
    const empty = await LocalLakehouse.open();
    await loadFixture(empty);
    await mergeWindow(empty, FIXTURE_WINDOW, FIXTURE_SALT);
    const base = Object.fromEntries((await reconcileDay(empty, DAY)).map((r) => [r.table, r.source]));
    empty.close();
    const more = Object.fromEntries(recon.map((r) => [r.table, r.source - base[r.table]]));
    assert.deepStrictEqual(more, {
      campaign_attribution: 0,
      cart_events: 1,
      order_events: 1,
      loyalty_redemptions: 1,
      erp_inventory: 0,
      loyalty_tier: 0,
    });
    lake.close();
  });
});
