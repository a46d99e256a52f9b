import * as assert from "assert";
import { LocalLakehouse } from "../../../local/lakehouse/duckdb";
import { eraseMembers } from "../../../local/lakehouse/erasure";
import { accountDay, accountingDays, mergeWindow, reconcileDay } from "../../../local/lakehouse/pipeline";
import { DAY, FIXTURE_SALT, FIXTURE_WINDOW, loadFixture } from "./fixture";

/** Every row of a bronze table but its email, in a fixed order, to show the retention changes nothing else. */
const ALL_BUT_EMAIL: Record<string, string> = {
  cart_events: "SELECT * EXCLUDE (email) FROM retail_bronze.cart_events ORDER BY ALL",
  pos_transactions: "SELECT * EXCLUDE (email) FROM retail_bronze.pos_transactions ORDER BY ALL",
  loyalty_tier: "SELECT * EXCLUDE (email) FROM retail_bronze.loyalty_tier ORDER BY ALL",
};
const CUTOFF = "2026-07-02";

/** Emails per bronze table, as (arrival as the SQL dates it, email) pairs. */
async function emails(lake: LocalLakehouse) {
  const stream = (t: string) => `SELECT '${t}' AS t, coalesce(received_at,
      CAST(try(from_iso8601_timestamp(event_time)) AT TIME ZONE 'UTC' AS timestamp), TIMESTAMP '1970-01-01 00:00:00') AS at, email
    FROM retail_bronze.${t}`;
  return lake.query(`${stream("cart_events")} UNION ALL ${stream("pos_transactions")}
    UNION ALL SELECT 'loyalty_tier', coalesce(received_at, CAST(snapshot_date AS timestamp)), email FROM retail_bronze.loyalty_tier
    ORDER BY ALL`);
}

async function snapshot(lake: LocalLakehouse) {
  const days = await accountingDays(lake);
  return {
    days,
    accounting: await Promise.all(days.map((d) => accountDay(lake, d))),
    reconciliation: await Promise.all(days.map((d) => reconcileDay(lake, d))),
    quarantine: await lake.query(
      "SELECT source_table, row_key, event_id, reason, raw_payload, event_ts, received_at FROM retail_silver.quarantine ORDER BY ALL",
    ),
    bronze: Object.fromEntries(await Promise.all(Object.entries(ALL_BUT_EMAIL).map(async ([t, sql]) => [t, await lake.query(sql)]))),
  };
}

describe("raw-email retention (sql/retention/raw_email.sql on the local lakehouse)", () => {
  it("scrubs every bronze email that arrived before the cutoff and nothing else; quarantine, accounting and reconciliation unchanged", async () => {
    const lake = await LocalLakehouse.open();
    try {
      await loadFixture(lake);
      // Rows with no arrival are dated by their event time, as accounting dates them: one before the cutoff, one after.
      await lake.run(`INSERT INTO retail_bronze.cart_events VALUES
        ('n1', 'browse', 'S9', 'web', NULL, 'nora@example.com', 'north', 'A', 1, NULL, '2026-07-01T08:00:00Z', NULL),
        ('n2', 'browse', 'S9', 'web', NULL, 'nora@example.com', 'north', 'A', 1, NULL, '2026-07-02T08:00:00Z', NULL)`);
      await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
      const before = await snapshot(lake);
      const emailsBefore = await emails(lake);
      assert.ok(before.quarantine.length > 0, "the fixture quarantines rows");
      assert.ok(
        before.accounting.every((day) => Object.values(day).every((a) => a.unaccounted === 0)),
        "the fixture balances",
      );

      await lake.runFile("retention/raw_email.sql", { cutoff: CUTOFF });

      const after = await emails(lake);
      const cutoff = `${CUTOFF} 00:00:00`;
      const old = after.filter((r) => String(r.at) < cutoff);
      assert.ok(old.length > 20, `the fixture has rows before the cutoff (${old.length})`);
      assert.deepStrictEqual(
        old.filter((r) => r.email !== null),
        [],
        "no email that arrived before the cutoff is left",
      );
      // Rows from the cutoff on keep their email exactly (the late browse c3 and n2).
      const kept = (rows: typeof after) => rows.filter((r) => String(r.at) >= cutoff);
      assert.deepStrictEqual(kept(after), kept(emailsBefore));
      assert.strictEqual(kept(after).length, 2);
      const later = await snapshot(lake);
      assert.deepStrictEqual(later, before, "bronze (but email), quarantine, accounting and reconciliation of every day are unchanged");
      // Quarantine is diagnosable (reason, key, source) and carries no raw email, before the cutoff or after it.
      const bronzeEmails = [
        ...new Set(
          emailsBefore
            .map((r) =>
              String(r.email ?? "")
                .trim()
                .toLowerCase(),
            )
            .filter((e) => e.includes("@")),
        ),
      ];
      for (const q of later.quarantine) {
        assert.ok(q.reason && q.row_key && q.source_table, `quarantine row ${JSON.stringify(q)} keeps reason, key and source`);
        for (const e of bronzeEmails)
          assert.ok(
            !String(q.raw_payload ?? "")
              .toLowerCase()
              .includes(e),
            `quarantine ${q.row_key} carries ${e}`,
          );
      }
      // Idempotent: a second run changes nothing.
      await lake.runFile("retention/raw_email.sql", { cutoff: CUTOFF });
      assert.deepStrictEqual(await emails(lake), after);
    } finally {
      lake.close();
    }
  });

  it("leaves a member erasable: erin's anonymous session and unscanned receipt, past the retention, go through their silver rows", async () => {
    const lake = await LocalLakehouse.open();
    try {
      await loadFixture(lake);
      await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
      await lake.runFile("retention/raw_email.sql", { cutoff: CUTOFF });
      const [scrubbed] = await lake.query("SELECT count(*) AS n FROM retail_bronze.cart_events WHERE event_id IN ('c10', 'c11') AND email IS NULL");
      assert.strictEqual(Number(scrubbed.n), 2, "her anonymous session no longer carries her email");
      const report = await eraseMembers(lake, ["L5"], () => reconcileDay(lake, DAY));
      // Before the erasure found rows by resolved loyalty_id too, this reported rowsRemaining 3 (2 carts, 1 order).
      assert.deepStrictEqual(report, { members: 1, rowsRemaining: 0, unaccounted: 0 });
      const [left] = await lake.query(`SELECT
        (SELECT count(*) FROM retail_silver.cart_events WHERE loyalty_id = 'L5') + (SELECT count(*) FROM retail_silver.order_events WHERE loyalty_id = 'L5')
        + (SELECT count(*) FROM retail_bronze.cart_events WHERE event_id IN ('c10', 'c11'))
        + (SELECT count(*) FROM retail_bronze.pos_transactions WHERE event_id = 'p5') AS n`);
      assert.strictEqual(Number(left.n), 0, "her silver rows and their bronze rows are gone");
      for (const day of await accountingDays(lake)) {
        assert.ok(
          Object.values(await accountDay(lake, day)).every((a) => a.unaccounted === 0),
          `accounting balances on ${day}`,
        );
        assert.ok(
          (await reconcileDay(lake, day)).every((r) => r.status === "ok"),
          `reconciliation ok on ${day}`,
        );
      }
    } finally {
      lake.close();
    }
  });

  it("refuses a cutoff that is not a calendar date, naming the value and the fix", async () => {
    const lake = await LocalLakehouse.open();
    try {
      await assert.rejects(
        lake.runFile("retention/raw_email.sql", { cutoff: "2026-07-02' OR '1'='1" }),
        /placeholder \{\{cutoff\}\} has invalid value "2026-07-02' OR '1'='1": pass the retention cutoff as a calendar date YYYY-MM-DD/,
      );
      await assert.rejects(lake.runFile("retention/raw_email.sql", { cutoff: "2026-02-30" }), /\{\{cutoff\}\} has invalid value "2026-02-30"/);
    } finally {
      lake.close();
    }
  });
});
