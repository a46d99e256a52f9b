import * as assert from "assert";
import { LocalLakehouse } from "../../../local/lakehouse/duckdb";
import { accountDay, accountingDays, mergeWindow, sumAccounting } from "../../../local/lakehouse/pipeline";
import { BRONZE_PRODUCTS } from "../../../local/lakehouse/input";
import { loadCampaignFixture } from "./campaignFixture";
import { DAY, FIXTURE_SALT, FIXTURE_WINDOW, loadFixture } from "./fixture";

/** The fixture merged, with the awkward rows every accounting must place: each bronze row exactly once. */
async function awkwardLake(): Promise<LocalLakehouse> {
  const lake = await LocalLakehouse.open();
  await loadFixture(lake);
  await loadCampaignFixture(lake);
  // An ad touch refused on a copy of a kept key, and a same-id click with another cost (conflict) sent twice.
  await lake.run(`INSERT INTO retail_bronze.campaign_attribution SELECT * REPLACE ('impression' AS touch_type, TIMESTAMP '${DAY} 20:00:00' AS received_at)
    FROM retail_bronze.campaign_attribution WHERE event_id = 'cv2'`);
  for (const at of ["20:05:00", "21:05:00"])
    await lake.run(`INSERT INTO retail_bronze.campaign_attribution SELECT * REPLACE (9.99 AS cost, TIMESTAMP '${DAY} ${at}' AS received_at)
      FROM retail_bronze.campaign_attribution WHERE event_id = 'ck2' AND cost = 2.50`);
  // An exact copy (same arrival) of a cart event, and of an id-less refused row.
  await lake.run(`INSERT INTO retail_bronze.cart_events SELECT * FROM retail_bronze.cart_events WHERE event_id = 'c4'`);
  await lake.run(`INSERT INTO retail_bronze.cart_events SELECT * FROM retail_bronze.cart_events WHERE event_id IS NULL`);
  // A refused copy of a kept key, and a refused key copied twice.
  await lake.run(`INSERT INTO retail_bronze.cart_events SELECT * REPLACE ('kiosk' AS channel, TIMESTAMP '${DAY} 20:00:00' AS received_at)
    FROM retail_bronze.cart_events WHERE event_id = 'c5'`);
  await lake.run(`INSERT INTO retail_bronze.pos_transactions SELECT * REPLACE (TIMESTAMP '${DAY} 20:00:00' AS received_at)
    FROM retail_bronze.pos_transactions WHERE event_id = 'bad-store'`);
  // A same-id POS line with another revenue (conflict) and two copies of that conflict.
  for (const at of ["20:05:00", "20:06:00"])
    await lake.run(`INSERT INTO retail_bronze.pos_transactions SELECT * REPLACE (99.00 AS revenue, TIMESTAMP '${DAY} ${at}' AS received_at)
      FROM retail_bronze.pos_transactions WHERE event_id = 'p3'`);
  // A redemption re-sent, and one with no arrival.
  await lake.run(`INSERT INTO retail_bronze.loyalty_redemptions SELECT * REPLACE (TIMESTAMP '${DAY} 21:00:00' AS received_at)
    FROM retail_bronze.loyalty_redemptions WHERE event_id = 'rd2'`);
  await lake.run(`INSERT INTO retail_bronze.loyalty_redemptions SELECT * REPLACE ('rd-null' AS event_id, CAST(NULL AS timestamp) AS received_at)
    FROM retail_bronze.loyalty_redemptions WHERE event_id = 'rd1'`);
  // A re-extract of the CRM day landed later, and the same ERP row twice in one extract.
  await lake.run(`INSERT INTO retail_bronze.loyalty_tier SELECT * REPLACE ('gold' AS tier, TIMESTAMP '${DAY} 07:00:00' AS received_at)
    FROM retail_bronze.loyalty_tier WHERE loyalty_id = 'L2'`);
  await lake.run(`INSERT INTO retail_bronze.erp_inventory SELECT * FROM retail_bronze.erp_inventory WHERE location_id = 'DC1'`);
  await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
  // Two days later, within the merge horizon: a cart event and a POS line re-sent unchanged, each its window's one
  // copy of the key, which duplicates the silver row an earlier window kept.
  await lake.run(`INSERT INTO retail_bronze.cart_events SELECT * REPLACE (TIMESTAMP '2026-07-03 08:00:00' AS received_at)
    FROM retail_bronze.cart_events WHERE event_id = 'c6'`);
  await lake.run(`INSERT INTO retail_bronze.pos_transactions SELECT * REPLACE (TIMESTAMP '2026-07-03 08:00:00' AS received_at)
    FROM retail_bronze.pos_transactions WHERE event_id = 'p2'`);
  await mergeWindow(lake, { start: "2026-07-03 00:00:00", end: "2026-07-04 00:00:00" }, FIXTURE_SALT);
  // Four days later: an order re-sent with a later event time, and a POS line re-sent unchanged.
  await lake.run(`INSERT INTO retail_bronze.cart_events SELECT * REPLACE ('2026-07-05T09:00:00Z' AS event_time, TIMESTAMP '2026-07-05 09:00:10' AS received_at)
    FROM retail_bronze.cart_events WHERE event_id = 'w3' LIMIT 1`);
  await lake.run(`INSERT INTO retail_bronze.pos_transactions SELECT * REPLACE (TIMESTAMP '2026-07-05 09:30:00' AS received_at)
    FROM retail_bronze.pos_transactions WHERE event_id = 'p4'`);
  await mergeWindow(lake, { start: "2026-07-05 00:00:00", end: "2026-07-06 00:00:00" }, FIXTURE_SALT);
  return lake;
}

async function whole(lake: LocalLakehouse) {
  return sumAccounting(await Promise.all((await accountingDays(lake)).map((d) => accountDay(lake, d))));
}

async function bronzeCounts(lake: LocalLakehouse): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of BRONZE_PRODUCTS) out[t] = Number((await lake.query(`SELECT count(*) AS n FROM retail_bronze.${t}`))[0].n);
  return out;
}

describe("the accounting invariant (sql/reconcile/accounting.sql): bronze = silver + quarantined + duplicates", () => {
  let lake: LocalLakehouse;
  before(async () => (lake = await awkwardLake()));
  after(() => lake.close());

  it("accounts for every bronze row of every product exactly once, duplicates included", async () => {
    const acc = await whole(lake);
    const bronze = await bronzeCounts(lake);
    for (const [product, a] of Object.entries(acc)) {
      assert.strictEqual(a.bronze, bronze[product], `${product}: every bronze row is on one accounting day`);
      assert.strictEqual(a.unaccounted, 0, `${product}: ${JSON.stringify(a)}`);
    }
    assert.deepStrictEqual(
      Object.fromEntries(Object.entries(acc).map(([p, a]) => [p, a.duplicates])),
      // carts: w3's Firehose copy, c4's exact copy, the id-less row's copy, c5's kiosk copy, c6 re-sent unchanged two
      // days later; POS: p1a's re-send, the second bad-store copy, the conflict's second copy, p2 re-sent unchanged two
      // days later, p4 re-sent four days later; ad touches: ck1's re-export, cv2's refused copy, the ck2 conflict's
      // second copy.
      { campaign_attribution: 3, cart_events: 5, erp_inventory: 1, loyalty_redemptions: 1, loyalty_tier: 1, pos_transactions: 5 },
    );
  });

  it("names an existing row for every duplicate", async () => {
    const orphans = await lake.query(`SELECT d.source_table, d.duplicate_of, d.duplicate_of_table FROM retail_silver.duplicates AS d
      WHERE NOT ((d.duplicate_of_table = 'quarantine' AND d.duplicate_of IN (SELECT row_key FROM retail_silver.quarantine))
        OR (d.duplicate_of_table = 'silver' AND (d.duplicate_of IN (SELECT event_id FROM retail_silver.event_keys) OR d.source_table IN ('erp_inventory', 'loyalty_tier'))))`);
    assert.deepStrictEqual(orphans, []);
  });

  it("records nothing new on a re-run of each window", async () => {
    const before = await whole(lake);
    await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
    await mergeWindow(lake, { start: "2026-07-05 00:00:00", end: "2026-07-06 00:00:00" }, FIXTURE_SALT);
    assert.deepStrictEqual(await whole(lake), before);
  });

  it("sees one lost silver row, one lost quarantine row and a duplicate naming a row that is not there", async () => {
    await lake.run("DELETE FROM retail_silver.cart_events WHERE event_id = 'c1'");
    await lake.run("DELETE FROM retail_silver.campaign_attribution WHERE event_id = '10:google-ads:ck3'");
    await lake.run("DELETE FROM retail_silver.quarantine WHERE source_table = 'pos_transactions' AND event_id = 'bad-pos-revenue'");
    await lake.run("UPDATE retail_silver.duplicates SET duplicate_of = 'nowhere' WHERE source_table = 'loyalty_redemptions'");
    const day = await accountDay(lake, DAY);
    assert.deepStrictEqual(Object.fromEntries(Object.entries(day).map(([p, a]) => [p, a.unaccounted])), {
      campaign_attribution: 1,
      cart_events: 1,
      erp_inventory: 0,
      loyalty_redemptions: 1,
      loyalty_tier: 0,
      pos_transactions: 1,
    });
  });
});
