import * as assert from "assert";
import { LocalLakehouse } from "../../../local/lakehouse/duckdb";
import { accountDay, mergeWindow } from "../../../local/lakehouse/pipeline";
import { DAY, FIXTURE_SALT, FIXTURE_WINDOW } from "./fixture";

/**
 * Copies of one key that arrive at the same instant, as every row of one Glue batch run does (it stamps one received_at):
 * the silver copy and a refused copy tie on their home and arrival, and the duplicates record must still name only the
 * refused one. And the ad platforms' ids are scoped by platform, each touch carrying one.
 */
// Unparseable times: which copy's digest sorts first depends on them, so several make the tie go both ways.
const BAD_TIMES = ["soon", "later", "0", "a", "b", "tomorrow", "x1", "never"];
const AT = `TIMESTAMP '${DAY} 11:05:00'`;

async function merged(rows: { cart?: string[]; campaign?: string[] }) {
  const lake = await LocalLakehouse.open();
  if (rows.cart) await lake.run(`INSERT INTO retail_bronze.cart_events VALUES ${rows.cart.join(", ")}`);
  if (rows.campaign) await lake.run(`INSERT INTO retail_bronze.campaign_attribution VALUES ${rows.campaign.join(", ")}`);
  await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
  return lake;
}

describe("copies arriving together, and touches of several ad platforms", () => {
  it("campaign: a valid touch and a refused copy at the same arrival: silver keeps one, the refused copy is its duplicate, nothing unaccounted", async () => {
    for (const bad of BAD_TIMES) {
      const lake = await merged({
        campaign: [
          `('4004', 'meta', 'CMP-A', 'click', 'app', NULL, 2.00, '${DAY}T10:57:00Z', ${AT})`,
          `('4004', 'meta', 'CMP-A', 'click', 'app', NULL, 2.00, '${bad}', ${AT})`,
        ],
      });
      try {
        const { campaign_attribution: a } = await accountDay(lake, DAY);
        assert.deepStrictEqual(a, { bronze: 2, silver: 1, quarantined: 0, duplicates: 1, unaccounted: 0 }, bad);
      } finally {
        lake.close();
      }
    }
  });

  it("cart: the same tie on a stream product is accounted too", async () => {
    const row = (time: string) => `('e-77', 'browse', 's-1', 'web', NULL, NULL, 'north', 'sku-1', 1, 0.00, '${time}', ${AT})`;
    for (const bad of BAD_TIMES) {
      const lake = await merged({ cart: [row(`${DAY}T10:57:00Z`), row(bad)] });
      try {
        const { cart_events: a } = await accountDay(lake, DAY);
        assert.deepStrictEqual(a, { bronze: 2, silver: 1, quarantined: 0, duplicates: 1, unaccounted: 0 }, bad);
      } finally {
        lake.close();
      }
    }
  });

  it("the same id from two ad platforms is two touches; a touch with no platform is refused as missing_ad_platform", async () => {
    const lake = await merged({
      campaign: [
        `('1001', 'meta', 'CMP-A', 'click', 'app', NULL, 1.50, '${DAY}T10:55:00Z', ${AT})`,
        `('1001', 'google-ads', 'CMP-B', 'click', 'web', NULL, 0.80, '${DAY}T10:56:00Z', ${AT})`,
        `('2002', NULL, 'CMP-C', 'click', 'web', NULL, 0.50, '${DAY}T10:56:00Z', ${AT})`,
        `('2003', '  ', 'CMP-C', 'click', 'web', NULL, 0.50, '${DAY}T10:56:00Z', ${AT})`,
      ],
    });
    try {
      const silver = await lake.query("SELECT event_id, campaign_id FROM retail_silver.campaign_attribution ORDER BY event_id");
      assert.deepStrictEqual(
        silver.map((r) => [r.event_id, r.campaign_id]),
        [
          ["10:google-ads:1001", "CMP-B"],
          ["4:meta:1001", "CMP-A"],
        ],
      );
      const refused = await lake.query(
        `SELECT event_id, reason FROM retail_silver.quarantine WHERE source_table = 'campaign_attribution' ORDER BY event_id`,
      );
      assert.deepStrictEqual(
        refused.map((r) => [r.event_id, r.reason]),
        [
          ["2002", "missing_ad_platform"],
          ["2003", "missing_ad_platform"],
        ],
      );
      const { campaign_attribution: a } = await accountDay(lake, DAY);
      assert.deepStrictEqual(a, { bronze: 4, silver: 2, quarantined: 2, duplicates: 0, unaccounted: 0 });
    } finally {
      lake.close();
    }
  });
});
