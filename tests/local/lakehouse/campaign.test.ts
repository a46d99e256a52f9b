import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalLakehouse } from "../../../local/lakehouse/duckdb";
import { generate } from "../../../local/lakehouse/generate";
import { accountDay, accountingDays, createGoldViews, mergeWindow, reconcileDay, sumAccounting } from "../../../local/lakehouse/pipeline";
import { LOCAL_EMAIL_SALT, runLakehouse, START_DAY } from "../../../local/lakehouse/run";
import { loadCampaignFixture } from "./campaignFixture";
import { DAY, FIXTURE_SALT, FIXTURE_WINDOW, loadFixture } from "./fixture";

/** Every row campaign_attribution's merge wrote, per table, so a re-run can be compared whole. */
async function written(lake: LocalLakehouse): Promise<Record<string, number>> {
  const [r] = await lake.query(`SELECT
    (SELECT count(*) FROM retail_silver.campaign_attribution) AS silver,
    (SELECT count(*) FROM retail_silver.quarantine WHERE source_table = 'campaign_attribution') AS quarantine,
    (SELECT count(*) FROM retail_silver.duplicates WHERE source_table = 'campaign_attribution') AS duplicates,
    (SELECT count(*) FROM retail_silver.event_keys WHERE source_table = 'campaign_attribution') AS event_keys`);
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)]));
}

const roas = (lake: LocalLakehouse) =>
  lake.query(`SELECT campaign_id, channel, clicks, spend, attributed_order_lines, attributed_revenue, campaign_roas
    FROM retail_gold.campaign_roas ORDER BY campaign_id, day`);

describe("campaign attribution (sql/merge, sql/reconcile and sql/gold campaign files) on the fixture", () => {
  let lake: LocalLakehouse;
  before(async () => {
    lake = await LocalLakehouse.open();
    await loadFixture(lake);
    await loadCampaignFixture(lake);
    await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
  });
  after(() => lake.close());

  it("keeps each valid touch once, trimmed, and quarantines one row per reason", async () => {
    const silver = await lake.query("SELECT event_id, order_event_id FROM retail_silver.campaign_attribution ORDER BY event_id");
    assert.deepStrictEqual(
      silver.map((r) => [r.event_id, r.order_event_id]),
      [
        // Keys are scoped by the ad platform (sql/fragments/campaign_attribution_key.sql).
        ["10:google-ads:ck3", null],
        ["10:google-ads:cv2", "p2"],
        ["10:google-ads:cv3", "never-sold"],
        ["4:meta:ck1", null],
        ["4:meta:ck2", null],
        ["4:meta:cv1", "w3"],
        ["4:meta:cv1-again", "w3"],
        ["4:meta:cv4", "p4"],
      ],
    );
    const reasons = await lake.query(`SELECT reason, event_id, event_type FROM retail_silver.quarantine
      WHERE source_table = 'campaign_attribution' ORDER BY reason`);
    assert.deepStrictEqual(
      reasons.map((r) => [r.reason, r.event_id, r.event_type]),
      [
        ["future_event_time", "bad-future", "click"],
        ["invalid_cost", "bad-cost", "click"],
        ["missing_campaign_id", "bad-campaign", "click"],
        ["missing_event_id", null, "click"],
        ["missing_order_event_id", "bad-order", "conversion"],
        ["unknown_channel", "bad-channel", "click"],
        ["unknown_touch_type", "bad-touch", "impression"],
        ["unparseable_timestamp", "bad-ts", "click"],
      ],
    );
  });

  it("writes nothing new when the window is merged again", async () => {
    const first = await written(lake);
    assert.deepStrictEqual(first, { silver: 8, quarantine: 8, duplicates: 1, event_keys: 8 });
    await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
    await mergeWindow(lake, { start: `${DAY} 12:00:00`, end: `${DAY} 13:00:00` }, FIXTURE_SALT);
    assert.deepStrictEqual(await written(lake), first);
  });

  it("reconciles and accounts every bronze touch exactly", async () => {
    const rec = (await reconcileDay(lake, DAY)).find((r) => r.table === "campaign_attribution")!;
    assert.deepStrictEqual([rec.source, rec.silver, rec.status], [16, 16, "ok"]);
    const acc = (await accountDay(lake, DAY)).campaign_attribution;
    assert.deepStrictEqual(acc, { bronze: 17, silver: 8, quarantined: 8, duplicates: 1, unaccounted: 0 });
  });

  it("gives ROAS by hand: silver's revenue over click spend, a re-reported line once, an unsold order nothing", async () => {
    await createGoldViews(lake, "omnichannel");
    assert.deepStrictEqual(await roas(lake), [
      { campaign_id: "CMP-APP", channel: "app", clicks: 2, spend: 4, attributed_order_lines: 2, attributed_revenue: 30, campaign_roas: 7.5 },
      { campaign_id: "CMP-STORE", channel: "store", clicks: 1, spend: 2, attributed_order_lines: 1, attributed_revenue: 5, campaign_roas: 2.5 },
    ]);
  });

  it("store-only keeps store campaigns credited with store lines", async () => {
    await createGoldViews(lake, "store-only");
    assert.deepStrictEqual(await roas(lake), [
      { campaign_id: "CMP-STORE", channel: "store", clicks: 1, spend: 2, attributed_order_lines: 1, attributed_revenue: 5, campaign_roas: 2.5 },
    ]);
    await createGoldViews(lake, "omnichannel");
  });
});

describe("campaign_roas against the generator's truth", () => {
  let lake: LocalLakehouse;
  before(async () => {
    lake = await LocalLakehouse.open();
    await generate(lake, { events: 20_000, seed: 11, days: 3, startDay: START_DAY });
    await mergeWindow(lake, { start: `${START_DAY} 00:00:00`, end: "2026-06-06 00:00:00" }, LOCAL_EMAIL_SALT);
    await createGoldViews(lake, "omnichannel");
  });
  after(() => lake.close());

  it("matches truth per campaign and day: spend, credited lines and revenue", async () => {
    const gold =
      await lake.query(`SELECT campaign_id, CAST(day AS varchar) AS day, clicks, spend, attributed_order_lines AS lines, attributed_revenue AS revenue
      FROM retail_gold.campaign_roas ORDER BY ALL`);
    const truth = await lake.query(`WITH k AS (
        SELECT campaign_id, day, count(*) AS clicks, sum(cost) AS spend FROM truth.campaign_clicks GROUP BY ALL),
      c AS (SELECT campaign_id, day, count(*) AS lines, sum(revenue) AS revenue FROM truth.campaign_credits GROUP BY ALL)
      SELECT coalesce(k.campaign_id, c.campaign_id) AS campaign_id, CAST(coalesce(k.day, c.day) AS varchar) AS day,
        coalesce(k.clicks, 0) AS clicks, coalesce(k.spend, 0) AS spend, coalesce(c.lines, 0) AS lines, coalesce(c.revenue, 0) AS revenue
      FROM k FULL JOIN c ON c.campaign_id = k.campaign_id AND c.day = k.day ORDER BY ALL`);
    assert.ok(truth.length > 20, `${truth.length} campaign-days`);
    assert.ok(Number((await lake.query("SELECT count(*) AS n FROM truth.campaign_credits"))[0].n) > 100);
    assert.deepStrictEqual(gold, truth);
  });

  it("accounts every generated touch, its re-exports and malformed copies included", async () => {
    const acc = sumAccounting(await Promise.all((await accountingDays(lake)).map((d) => accountDay(lake, d)))).campaign_attribution;
    const [b] = await lake.query("SELECT count(*) AS n FROM retail_bronze.campaign_attribution");
    assert.strictEqual(acc.bronze, Number(b.n));
    assert.strictEqual(acc.unaccounted, 0, JSON.stringify(acc));
    assert.ok(acc.quarantined > 0 && acc.duplicates > 0, JSON.stringify(acc));
  });
});

describe("campaign attribution from --input alone", () => {
  it("runs a platform team's touches with no other product's rows, every stage included, and accounts for each", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-campaign-"));
    try {
      const touch = (id: string | null, type: string, order: string | null, cost: number | null, received: string) =>
        JSON.stringify({
          event_id: id,
          ad_platform: "meta",
          campaign_id: "C1",
          touch_type: type,
          channel: "web",
          order_event_id: order,
          cost,
          event_time: "2026-07-01T10:00:00Z",
          received_at: received,
        });
      fs.writeFileSync(
        path.join(dir, "campaign_attribution.jsonl"),
        [
          touch("ck1", "click", null, 1.25, "2026-07-01T11:05:00Z"),
          touch("ck1", "click", null, 1.25, "2026-07-01T12:05:00Z"),
          touch("cv1", "conversion", "w1", null, "2026-07-01T11:05:00Z"),
          touch("cv2", "conversion", null, null, "2026-07-01T11:05:00Z"),
        ].join("\n"),
      );
      const { report } = await runLakehouse({ events: 0, seed: 0, days: 1, input: dir });
      assert.deepStrictEqual(report.accounting.campaign_attribution, { bronze: 4, silver: 2, quarantined: 1, duplicates: 1, unaccounted: 0 });
      assert.deepStrictEqual(report.quarantineReasons, { missing_order_event_id: 1 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
