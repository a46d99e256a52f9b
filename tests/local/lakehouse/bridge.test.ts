import * as assert from "assert";
import { LocalLakehouse } from "../../../local/lakehouse/duckdb";
import { mergeWindow } from "../../../local/lakehouse/pipeline";
import { DAY, FIXTURE_SALT, FIXTURE_WINDOW, loadFixture } from "./fixture";

/** Every resolved identity, cart and order, as 'table/id:loyalty_id'. */
async function attribution(lake: LocalLakehouse): Promise<string[]> {
  const rows = await lake.query(`SELECT 'cart/' || event_id || ':' || coalesce(loyalty_id, '-') AS a FROM retail_silver.cart_events
    UNION ALL SELECT 'order/' || channel || '/' || event_id || ':' || coalesce(loyalty_id, '-') FROM retail_silver.order_events ORDER BY 1`);
  return rows.map((r) => String(r.a));
}

async function lakeWith(extra: string[]): Promise<LocalLakehouse> {
  const lake = await LocalLakehouse.open();
  await loadFixture(lake);
  for (const sql of extra) await lake.run(sql);
  await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
  return lake;
}

const browse = (id: string, loyalty: string, email: string, at: string) =>
  `INSERT INTO retail_bronze.cart_events VALUES ('${id}', 'browse', 'SF', 'web', '${loyalty}', '${email}', 'south', 'A', 1, NULL, '${DAY}T${at}Z', TIMESTAMP '${DAY} ${at}')`;

describe("the identity bridge's authority: the loyalty CRM", () => {
  it("lets neither forgery change any attribution: an unknown id with a member's email, a member's id with a foreign email", async () => {
    const clean = await lakeWith([]);
    const expected = await attribution(clean);
    clean.close();
    // dave@example.com resolves S4 to L4; frank@example.com is a guest's (S6).
    // And an unknown id with the guest's email, which would credit the guest's events to a made-up member.
    const lake = await lakeWith([
      browse("forge-1", "L404", "dave@example.com", "08:00:00"),
      browse("forge-2", "L5", "frank@example.com", "08:01:00"),
      browse("forge-3", "L404", "frank@example.com", "08:02:00"),
    ]);
    assert.ok(expected.includes("cart/c9:L4") && expected.includes("cart/c12:-"), "the fixture resolves dave and not the guest");
    const got = (await attribution(lake)).filter((a) => !a.startsWith("cart/forge-"));
    assert.deepStrictEqual(got, expected);
    const [pairs] = await lake.query(`SELECT count(*) FILTER (WHERE loyalty_id = 'L404') AS unknown, count(*) FILTER (WHERE loyalty_id = 'L5') AS l5
      FROM retail_silver.identity_bridge`);
    assert.deepStrictEqual(pairs, { unknown: 0, l5: 1 }, "only L5's CRM pair");
    lake.close();
  });

  it("takes an event pair for a member the CRM holds no email for, with an email no member holds, and resolves by it", async () => {
    const lake = await lakeWith([
      `INSERT INTO retail_bronze.loyalty_tier VALUES (DATE '${DAY}', 'L7', 'member', NULL, 'south', TIMESTAMP '${DAY} 06:00:00')`,
      browse("g1", "L7", "gina@example.com", "08:00:00"),
      `INSERT INTO retail_bronze.cart_events VALUES ('g2', 'browse', 'SG', 'web', NULL, 'gina@example.com', 'south', 'A', 1, NULL, '${DAY}T19:00:00Z', TIMESTAMP '${DAY} 19:00:05')`,
      // And not for a member with a CRM email, nor with another member's email.
      browse("g3", "L7", "erin@example.com", "08:02:00"),
    ]);
    const rows = await lake.query("SELECT source FROM retail_silver.identity_bridge WHERE loyalty_id = 'L7'");
    assert.deepStrictEqual(rows, [{ source: "cart_events" }]);
    assert.ok((await attribution(lake)).includes("cart/g2:L7"));
    lake.close();
  });

  it("forgets an email the CRM no longer lists for a member", async () => {
    const lake = await lakeWith([]);
    // The next day's extract gives dave a new email; his old one must stop resolving to him.
    await lake.run(`INSERT INTO retail_bronze.loyalty_tier
      SELECT DATE '2026-07-02', loyalty_id, tier, CASE WHEN loyalty_id = 'L4' THEN 'dave.new@example.com' ELSE email END, region, TIMESTAMP '2026-07-02 06:00:00'
      FROM retail_bronze.loyalty_tier WHERE snapshot_date = DATE '${DAY}'`);
    await lake.run(`INSERT INTO retail_bronze.cart_events VALUES
      ('d-old', 'browse', 'SD1', 'web', NULL, 'dave@example.com', 'south', 'A', 1, NULL, '2026-07-02T12:00:00Z', TIMESTAMP '2026-07-02 12:00:05'),
      ('d-new', 'browse', 'SD2', 'web', NULL, 'dave.new@example.com', 'south', 'A', 1, NULL, '2026-07-02T12:01:00Z', TIMESTAMP '2026-07-02 12:01:05')`);
    await mergeWindow(lake, { start: "2026-07-02 00:00:00", end: "2026-07-03 00:00:00" }, FIXTURE_SALT);
    const got = await attribution(lake);
    assert.ok(got.includes("cart/d-new:L4") && got.includes("cart/d-old:-"), got.filter((a) => a.includes("/d-")).join(", "));
    lake.close();
  });
});
