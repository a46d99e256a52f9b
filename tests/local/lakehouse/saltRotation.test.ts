import * as assert from "assert";
import * as crypto from "crypto";
import { LocalLakehouse, Row } from "../../../local/lakehouse/duckdb";
import { createGoldViews, mergeWindow } from "../../../local/lakehouse/pipeline";
import { FIXTURE_SALT, FIXTURE_WINDOW, loadFixture } from "./fixture";

/**
 * The salt rotation procedure (notes and README): write the new salt, empty identity_bridge, re-run the merges over
 * the bronze history. Silver keeps every row and every loyalty_id already resolved; every email_hash is re-keyed to the
 * new salt; the bridge holds the same links; the KPIs do not move. Between the new salt and the rebuild no email
 * resolves through the bridge (the gap the procedure closes).
 */
const NEW_SALT = "rotated-salt-9876543210-zyxwvutsrq";
const hash = (salt: string, email: string) => crypto.createHash("sha256").update(`${salt}${email.trim().toLowerCase()}`).digest("hex");

async function snapshot(lake: LocalLakehouse): Promise<Row> {
  const [row] = await lake.query(`SELECT
    (SELECT count(*) FROM retail_silver.cart_events) AS cart,
    (SELECT string_agg(event_id || ':' || coalesce(loyalty_id, '-'), ',' ORDER BY event_id) FROM retail_silver.order_events) AS orders,
    (SELECT string_agg(event_id || ':' || coalesce(loyalty_id, '-'), ',' ORDER BY event_id) FROM retail_silver.cart_events) AS sessions,
    (SELECT count(*) FROM retail_silver.quarantine) AS quarantine,
    (SELECT string_agg(loyalty_id, ',' ORDER BY loyalty_id) FROM retail_silver.identity_bridge) AS bridged_members,
    (SELECT string_agg(region || '=' || CAST(conversion_rate AS varchar), ',' ORDER BY region) FROM retail_gold.conversion_rate) AS conversion`);
  return row;
}

/** Bridge and loyalty_tier hashes, with the email each should be the hash of (from bronze). */
async function hashes(lake: LocalLakehouse): Promise<{ email: string; email_hash: string }[]> {
  return (await lake.query(`
    SELECT DISTINCT b.email, s.email_hash FROM retail_silver.loyalty_tier s
    JOIN retail_bronze.loyalty_tier b ON b.loyalty_id = s.loyalty_id AND b.snapshot_date = s.snapshot_date
    WHERE s.email_hash IS NOT NULL`)) as { email: string; email_hash: string }[];
}

describe("email-hash salt rotation (local lakehouse)", () => {
  it("re-keys every email_hash, keeps every link, row and resolved loyalty_id, and leaves the KPIs unchanged", async () => {
    const lake = await LocalLakehouse.open();
    try {
      await loadFixture(lake);
      await createGoldViews(lake, "omnichannel");
      await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
      const before = await snapshot(lake);
      const old = await hashes(lake);
      assert.ok(old.length > 0 && old.every((h) => h.email_hash === hash(FIXTURE_SALT, h.email)));
      const bridgeBefore = Number((await lake.query("SELECT count(*) AS n FROM retail_silver.identity_bridge"))[0].n);

      // 1. The deployment writes the new salt (pulumi config set --secret retail:emailHashSalt ...; pulumi up).
      await lake.setEmailSalt(NEW_SALT);
      const [gap] = await lake.query(
        `SELECT count(*) AS n FROM retail_silver.identity_bridge WHERE email_hash IN (${old.map((h) => `'${hash(NEW_SALT, h.email)}'`).join(", ")})`,
      );
      assert.strictEqual(Number(gap.n), 0, "until the rebuild, no email resolves through the bridge");
      // 2. Empty the bridge (its keys are old-salt hashes); 3. re-run the merges over the bronze history.
      await lake.run("DELETE FROM retail_silver.identity_bridge");
      await mergeWindow(lake, FIXTURE_WINDOW, NEW_SALT);

      assert.deepStrictEqual(await snapshot(lake), before);
      const rekeyed = await hashes(lake);
      assert.strictEqual(rekeyed.length, old.length);
      assert.ok(
        rekeyed.every((h) => h.email_hash === hash(NEW_SALT, h.email)),
        "loyalty_tier re-keyed",
      );
      const bridge = (await lake.query("SELECT email_hash FROM retail_silver.identity_bridge")) as { email_hash: string }[];
      assert.strictEqual(bridge.length, bridgeBefore);
      const stale = new Set(old.map((h) => h.email_hash));
      assert.ok(!bridge.some((b) => stale.has(b.email_hash)), "no old-salt hash is left in the bridge");
    } finally {
      lake.close();
    }
  });
});
