import * as assert from "assert";
import { LocalLakehouse } from "../../../local/lakehouse/duckdb";
import { mergeWindow, reconcileDay } from "../../../local/lakehouse/pipeline";
import { DAY, FIXTURE_SALT, FIXTURE_WINDOW, loadFixture } from "./fixture";

/** A window of one received day, as the scheduled merge runs it. */
const dayWindow = (day: string) => {
  const end = new Date(`${day}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() + 1);
  return { start: `${day} 00:00:00`, end: `${end.toISOString().slice(0, 10)} 00:00:00` };
};

async function merged(): Promise<LocalLakehouse> {
  const lake = await LocalLakehouse.open();
  await loadFixture(lake);
  await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
  return lake;
}

async function resend(lake: LocalLakehouse, table: string, id: string, eventTime: string | null, received: string): Promise<void> {
  const time = eventTime === null ? "event_time" : `'${eventTime}'`;
  await lake.run(`INSERT INTO retail_bronze.${table}
    SELECT * REPLACE (${time} AS event_time, TIMESTAMP '${received}' AS received_at)
    FROM retail_bronze.${table} WHERE event_id = '${id}' ORDER BY received_at LIMIT 1`);
}

const count = async (lake: LocalLakehouse, sql: string) => Number((await lake.query(`SELECT count(*) AS n FROM ${sql}`))[0].n);

describe("the key index (retail_silver.event_keys)", () => {
  it("never inserts a re-send of a known id twice, whatever its event time, and records a changed payload as conflicting_duplicate", async () => {
    const lake = await merged();
    // Four days later: the order w3 and the POS line p2 re-sent with a later event time (a producer replaying its
    // outbox with fresh clocks), and p1b re-sent unchanged. The earlier silver rows are beyond the 3-day horizon.
    await resend(lake, "cart_events", "w3", "2026-07-05T09:00:00Z", "2026-07-05 09:00:10");
    await resend(lake, "pos_transactions", "p2", "2026-07-05T09:30:00Z", "2026-07-05 09:30:10");
    await mergeWindow(lake, dayWindow("2026-07-05"), FIXTURE_SALT);
    assert.strictEqual(await count(lake, "retail_silver.cart_events WHERE event_id = 'w3'"), 1);
    assert.strictEqual(await count(lake, "retail_silver.order_events WHERE event_id = 'w3'"), 1);
    assert.strictEqual(await count(lake, "retail_silver.order_events WHERE event_id = 'p2'"), 1);
    const conflicts = await lake.query(`SELECT source_table, event_id, CAST(event_ts AS varchar) AS ts FROM retail_silver.quarantine
      WHERE reason = 'conflicting_duplicate' AND event_id IN ('w3', 'p2') ORDER BY 1`);
    assert.deepStrictEqual(conflicts, [
      { source_table: "cart_events", event_id: "w3", ts: "2026-07-05 09:00:00" },
      { source_table: "pos_transactions", event_id: "p2", ts: "2026-07-05 09:30:00" },
    ]);
    for (const r of await reconcileDay(lake, "2026-07-05")) assert.strictEqual(r.status, "ok", `${r.table} ${r.source} vs ${r.silver}`);
    // A second run of the window adds nothing.
    await mergeWindow(lake, dayWindow("2026-07-05"), FIXTURE_SALT);
    assert.strictEqual(await count(lake, "retail_silver.quarantine WHERE reason = 'conflicting_duplicate' AND event_id IN ('w3', 'p2')"), 2);
    lake.close();
  });

  it("does the same for redemptions: a changed payload in the window or a re-send days later is a conflicting_duplicate, never a second row", async () => {
    const lake = await LocalLakehouse.open();
    await loadFixture(lake);
    await lake.run(`INSERT INTO retail_bronze.loyalty_redemptions
      SELECT * REPLACE (75 AS points, received_at + INTERVAL 1 MINUTE AS received_at) FROM retail_bronze.loyalty_redemptions WHERE event_id = 'rd2'`);
    await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
    await resend(lake, "loyalty_redemptions", "rd1", "2026-07-05T09:00:00Z", "2026-07-05 09:00:10");
    await mergeWindow(lake, dayWindow("2026-07-05"), FIXTURE_SALT);
    assert.strictEqual(await count(lake, "retail_silver.loyalty_redemptions WHERE event_id IN ('rd1', 'rd2')"), 2);
    const conflicts = await lake.query(`SELECT event_id FROM retail_silver.quarantine
      WHERE source_table = 'loyalty_redemptions' AND reason = 'conflicting_duplicate' ORDER BY 1`);
    assert.deepStrictEqual(conflicts, [{ event_id: "rd1" }, { event_id: "rd2" }]);
    const [kept] = await lake.query("SELECT points FROM retail_silver.loyalty_redemptions WHERE event_id = 'rd2'");
    assert.strictEqual(kept.points, 50, "the first copy is kept");
    for (const day of [DAY, "2026-07-05"])
      for (const r of await reconcileDay(lake, day)) assert.strictEqual(r.status, "ok", `${day} ${r.table}: ${r.source} vs ${r.silver}`);
    lake.close();
  });

  it("scopes quarantine, duplicates and the index by source: the same refused id from the web, a POS and the CRM is three rows", async () => {
    const lake = await LocalLakehouse.open();
    await loadFixture(lake);
    // One id refused by each stream product, each sent twice; the copies are each product's own duplicates.
    for (let i = 0; i < 2; i++) {
      await lake.run(
        `INSERT INTO retail_bronze.cart_events SELECT * REPLACE ('same-id' AS event_id, 'kiosk' AS channel) FROM retail_bronze.cart_events WHERE event_id = 'c1'`,
      );
      await lake.run(
        `INSERT INTO retail_bronze.pos_transactions SELECT * REPLACE ('same-id' AS event_id, NULL AS store_id) FROM retail_bronze.pos_transactions WHERE event_id = 'p2'`,
      );
      await lake.run(
        `INSERT INTO retail_bronze.loyalty_redemptions SELECT * REPLACE ('same-id' AS event_id, 0 AS points) FROM retail_bronze.loyalty_redemptions WHERE event_id = 'rd1'`,
      );
    }
    await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
    const q = await lake.query("SELECT source_table, reason FROM retail_silver.quarantine WHERE event_id = 'same-id' ORDER BY 1");
    assert.deepStrictEqual(q, [
      { source_table: "cart_events", reason: "unknown_channel" },
      { source_table: "loyalty_redemptions", reason: "nonpositive_points" },
      { source_table: "pos_transactions", reason: "missing_store_id" },
    ]);
    const d = await lake.query("SELECT source_table, duplicate_of_table FROM retail_silver.duplicates WHERE duplicate_of = 'same-id' ORDER BY 1");
    assert.deepStrictEqual(
      d.map((r) => r.source_table),
      ["cart_events", "loyalty_redemptions", "pos_transactions"],
    );
    lake.close();
  });

  it("keeps a same-payload re-send in a later window out of silver and out of quarantine", async () => {
    const lake = await merged();
    await resend(lake, "pos_transactions", "p3", null, "2026-07-03 08:00:00");
    await mergeWindow(lake, dayWindow("2026-07-03"), FIXTURE_SALT);
    assert.strictEqual(await count(lake, "retail_silver.order_events WHERE event_id = 'p3'"), 1);
    assert.strictEqual(await count(lake, "retail_silver.quarantine WHERE event_id = 'p3'"), 0);
    lake.close();
  });

  it("indexes each kept key once per source, with the kept copy's event day", async () => {
    const lake = await merged();
    const keys = await lake.query(
      `SELECT source_table, count(*) AS n, count(DISTINCT event_id) AS ids FROM retail_silver.event_keys GROUP BY 1 ORDER BY 1`,
    );
    const silver = await lake.query(`SELECT
      (SELECT count(*) FROM retail_silver.cart_events) AS cart, (SELECT count(*) FROM retail_silver.order_events WHERE channel = 'store') AS pos,
      (SELECT count(*) FROM retail_silver.loyalty_redemptions) AS redemptions`);
    assert.deepStrictEqual(keys, [
      { source_table: "cart_events", n: silver[0].cart, ids: silver[0].cart },
      { source_table: "loyalty_redemptions", n: silver[0].redemptions, ids: silver[0].redemptions },
      { source_table: "pos_transactions", n: silver[0].pos, ids: silver[0].pos },
    ]);
    const [w3] = await lake.query("SELECT CAST(event_day AS varchar) AS d FROM retail_silver.event_keys WHERE event_id = 'w3'");
    assert.strictEqual(w3.d, "2026-07-01");
    lake.close();
  });
});
