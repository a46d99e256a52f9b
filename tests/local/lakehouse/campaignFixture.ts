import { LocalLakehouse } from "../../../local/lakehouse/duckdb";

/**
 * Ad platform touches on the fixture's day (fixture.ts), with ROAS worked out by hand for the campaign tests:
 * - CMP-APP (meta, app ads): clicks ck1 1.50 and ck2 2.50 (spend 4.00); conversions credit w3 (app purchase, 20.00),
 *   again under a second touch id (counted once), and p4 (a store line, 10.00: cross-channel, omnichannel only).
 *   Omnichannel: revenue 30.00, ROAS 7.5. Store-only: not shown (not a store campaign).
 * - CMP-STORE (google-ads, store-visit ads): click ck3 2.00; conversions credit p2 (store, 5.00) and an order silver
 *   never sold (adds nothing). ROAS 2.5 in both variants.
 * - ck1 re-exported an hour later (a duplicate), and one malformed row per quarantine reason.
 */
const R = "2026-07-01 ";
const touch = (
  id: string | null,
  platform: string,
  campaign: string,
  type: string,
  channel: string,
  order: string | null,
  cost: string | null,
  time: string,
  received: string,
) => `(${q(id)}, ${q(platform)}, ${q(campaign)}, ${q(type)}, ${q(channel)}, ${q(order)}, ${cost ?? "NULL"}, ${q(time)}, TIMESTAMP '${received}')`;

function q(v: string | null): string {
  return v === null ? "NULL" : `'${v.replace(/'/g, "''")}'`;
}

export const CAMPAIGN_ROWS = [
  touch("ck1", "meta", "CMP-APP", "click", "app", null, "1.50", "2026-07-01T10:55:00Z", R + "11:05:00"),
  touch("ck1", "meta", "CMP-APP", "click", "app", null, "1.50", "2026-07-01T10:55:00Z", R + "12:05:00"),
  touch("ck2", "meta", "CMP-APP", "click", "app", null, "2.50", "2026-07-01T10:58:00Z", R + "11:05:00"),
  touch("cv1", "meta", "CMP-APP", "conversion", "app", "w3", null, "2026-07-01T11:04:00Z", R + "12:05:00"),
  touch("cv1-again", "meta", "CMP-APP", "conversion", "app", " w3 ", null, "2026-07-01T11:30:00Z", R + "12:05:00"),
  touch("cv4", "meta", "CMP-APP", "conversion", "app", "p4", null, "2026-07-01T17:30:00Z", R + "18:05:00"),
  touch("ck3", "google-ads", "CMP-STORE", "click", "store", null, "2.00", "2026-07-01T15:00:00Z", R + "16:05:00"),
  touch("cv2", "google-ads", "CMP-STORE", "conversion", "store", "p2", null, "2026-07-01T16:30:00Z", R + "17:05:00"),
  touch("cv3", "google-ads", "CMP-STORE", "conversion", "store", "never-sold", null, "2026-07-01T16:40:00Z", R + "17:05:00"),
  // One malformed row per quarantine reason of sql/fragments/campaign_attribution_ranked.sql.
  touch(null, "meta", "CMP-APP", "click", "app", null, "1.00", "2026-07-01T10:00:00Z", R + "11:05:00"),
  touch("bad-ts", "meta", "CMP-APP", "click", "app", null, "1.00", "soon", R + "11:05:00"),
  touch("bad-future", "meta", "CMP-APP", "click", "app", null, "1.00", "2026-07-01T20:00:00Z", R + "11:05:00"),
  touch("bad-touch", "meta", "CMP-APP", "impression", "app", null, "0.10", "2026-07-01T10:00:00Z", R + "11:05:00"),
  touch("bad-campaign", "meta", " ", "click", "app", null, "1.00", "2026-07-01T10:00:00Z", R + "11:05:00"),
  touch("bad-channel", "meta", "CMP-APP", "click", "tv", null, "1.00", "2026-07-01T10:00:00Z", R + "11:05:00"),
  touch("bad-cost", "meta", "CMP-APP", "click", "app", null, "-1.00", "2026-07-01T10:00:00Z", R + "11:05:00"),
  touch("bad-order", "meta", "CMP-APP", "conversion", "app", "", null, "2026-07-01T10:00:00Z", R + "11:05:00"),
];

export async function loadCampaignFixture(lake: LocalLakehouse): Promise<void> {
  await lake.run(`INSERT INTO retail_bronze.campaign_attribution VALUES ${CAMPAIGN_ROWS.join(",\n")}`);
}
