import * as assert from "assert";
import * as crypto from "crypto";
import { LocalLakehouse, Row } from "../../../local/lakehouse/duckdb";
import { createGoldViews, mergeWindow, reconcileDay } from "../../../local/lakehouse/pipeline";
import { loadSql } from "../../../core/sql/files";
import { renderSql } from "../../../core/sql/render";
import { splitStatements } from "../../../core/sql/text";
import { DAY, FIXTURE_SALT, FIXTURE_WINDOW, loadFixture } from "./fixture";

const byKey = <T extends object>(rows: readonly T[], ...keys: (keyof T & string)[]) =>
  Object.fromEntries(rows.map((r) => [keys.map((k) => String(r[k])).join("/"), r]));

async function mergedFixture(): Promise<LocalLakehouse> {
  const lake = await LocalLakehouse.open();
  await loadFixture(lake);
  await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
  return lake;
}

async function silverCounts(lake: LocalLakehouse): Promise<Row> {
  const [row] = await lake.query(`SELECT
    (SELECT count(*) FROM retail_silver.cart_events) AS cart,
    (SELECT count(*) FROM retail_silver.order_events) AS orders,
    (SELECT count(*) FROM retail_silver.quarantine) AS quarantine,
    (SELECT count(*) FROM retail_silver.identity_bridge) AS bridge,
    (SELECT count(*) FROM retail_silver.loyalty_redemptions) AS redemptions,
    (SELECT count(*) FROM retail_silver.erp_inventory) AS inventory,
    (SELECT string_agg(event_id || ':' || coalesce(loyalty_id, '-'), ',' ORDER BY event_id) FROM retail_silver.order_events) AS order_ids`);
  return row;
}

describe("DuckDB compatibility macros", () => {
  let lake: LocalLakehouse;
  before(async () => (lake = await LocalLakehouse.open()));
  after(() => lake.close());

  it("give the same salted email_hash as node's crypto (pinned vector)", async () => {
    const email = "  Alice.Shopper@Example.COM ";
    const expected = crypto
      .createHash("sha256")
      .update(FIXTURE_SALT + email.trim().toLowerCase())
      .digest("hex");
    assert.strictEqual(expected, "bc5f23ac6a4a4a0db2dd61d0816ec14829546d988aeb6a158f432eaebcf671ed");
    const [row] = await lake.query(`SELECT lower(to_hex(sha256(to_utf8(concat('${FIXTURE_SALT}', lower(trim('${email}'))))))) AS h`);
    assert.strictEqual(row.h, expected);
  });

  it("convert ISO-8601 offsets to UTC like Trino and return NULL for garbage inside try()", async () => {
    const [row] = await lake.query(`SELECT
      CAST(try(CAST(from_iso8601_timestamp('2026-07-01T01:30:00+02:00') AT TIME ZONE 'UTC' AS timestamp)) AS varchar) AS a,
      try(CAST(from_iso8601_timestamp('not-a-time') AT TIME ZONE 'UTC' AS timestamp)) AS b`);
    assert.deepStrictEqual(row, { a: "2026-06-30 23:30:00", b: null });
  });
});

describe("the local from_iso8601_timestamp refuses what Trino's refuses", () => {
  let lake: LocalLakehouse;
  before(async () => (lake = await LocalLakehouse.open()));
  after(() => lake.close());

  it("parses the ISO-8601 forms Athena parses and returns NULL inside try() for the forms it refuses", async () => {
    const cases: [string, string | null][] = [
      ["2026-07-01T10:00:00Z", "2026-07-01 10:00:00"],
      ["2026-07-01T10:00:00.5+02:00", "2026-07-01 08:00:00.5"],
      ["2026-07-01T10:00:00+0200", "2026-07-01 08:00:00"],
      ["2026-07-01T10:00", "2026-07-01 10:00:00"],
      ["2026-07-01", "2026-07-01 00:00:00"],
      ["2026-07-01 10:00:00", null],
      ["2026-07-01 10:00:00Z", null],
      ["2026-07-01T10:00:00 UTC", null],
      [" 2026-07-01T10:00:00Z", null],
      ["2026-07-01T10:00:00Z ", null],
      ["2026-07-01T10:00:00Z\t", null],
      ["2026-07-01T10:00:00Z\n", null],
      ["2026-07-01T24:00:00Z", null],
      ["infinity", null],
      ["epoch", null],
    ];
    for (const [text, expected] of cases) {
      const literal = `'${text.replace("\t", "' || chr(9) || '").replace("\n", "' || chr(10) || '")}'`;
      const [row] = await lake.query(`SELECT CAST(CAST(try(from_iso8601_timestamp(${literal})) AT TIME ZONE 'UTC' AS timestamp) AS varchar) AS ts`);
      assert.strictEqual(row.ts, expected, JSON.stringify(text));
    }
  });
});

describe("bronze -> silver merge on the fixed fixture", () => {
  let lake: LocalLakehouse;
  before(async () => (lake = await mergedFixture()));
  after(() => lake.close());

  it("sends each invalid row to quarantine with its reason", async () => {
    const rows = await lake.query("SELECT source_table, coalesce(event_id, '<null>') AS id, reason FROM retail_silver.quarantine");
    const got = Object.fromEntries(rows.map((r) => [`${r.source_table}/${r.id}`, r.reason]));
    assert.deepStrictEqual(got, {
      "cart_events/<null>": "missing_event_id",
      "cart_events/bad-ts": "unparseable_timestamp",
      "cart_events/bad-channel": "unknown_channel",
      "cart_events/bad-type": "unknown_event_type",
      "cart_events/bad-session": "missing_session_id",
      "cart_events/bad-revenue": "negative_revenue",
      "pos_transactions/bad-pos-revenue": "negative_revenue",
      "pos_transactions/bad-store": "missing_store_id",
      "loyalty_redemptions/rd-bad": "nonpositive_points",
      "erp_inventory/<null>": "negative_units",
      "loyalty_tier/<null>": "unknown_tier",
    });
  });

  it("dedupes duplicate and late deliveries on event_id", async () => {
    const [row] = await lake.query(`SELECT
      (SELECT count(*) FROM retail_silver.order_events WHERE event_id IN ('w3', 'p1a')) AS dup,
      (SELECT count(*) FROM retail_silver.cart_events WHERE event_id = 'c3') AS late`);
    assert.deepStrictEqual(row, { dup: 2, late: 1 });
  });

  it("resolves identity by the bridge rules", async () => {
    const orders = byKey(await lake.query("SELECT event_id, loyalty_id FROM retail_silver.order_events"), "event_id");
    assert.strictEqual(orders.p1a.loyalty_id, "L1", "loyalty scan resolves");
    assert.strictEqual(orders.p2.loyalty_id, "L2", "a scan wins over a shared household email");
    assert.strictEqual(orders.p3.loyalty_id, null, "a shared household email never resolves to one member");
    assert.strictEqual(orders.p4.loyalty_id, null, "no scan and a masked email stay unresolved");
    assert.strictEqual(orders.p5.loyalty_id, "L5", "a unique email resolves through its salted hash after trim/lower");
    const sessions = byKey(await lake.query("SELECT DISTINCT session_id, loyalty_id FROM retail_silver.cart_events"), "session_id");
    assert.strictEqual(sessions.S2.loyalty_id, null);
    assert.strictEqual(sessions.S4.loyalty_id, "L4");
    assert.strictEqual(sessions.S6.loyalty_id, null, "a guest who is no member stays unresolved");
  });

  it("keeps both household members in the bridge under one email_hash and never links a masked email", async () => {
    const rows = await lake.query(`SELECT loyalty_id FROM retail_silver.identity_bridge
      WHERE email_hash = (SELECT email_hash FROM retail_silver.loyalty_tier WHERE loyalty_id = 'L2') ORDER BY 1`);
    assert.deepStrictEqual(
      rows.map((r) => r.loyalty_id),
      ["L2", "L3"],
    );
    const [n] = await lake.query("SELECT count(*) AS n FROM retail_silver.identity_bridge WHERE loyalty_id = 'L4'");
    assert.strictEqual(n.n, 1, "only dave's CRM email, not the masked POS one");
  });

  it("folds the spellings of one email into one bridge row spanning every event that carried it", async () => {
    const fresh = await LocalLakehouse.open();
    try {
      const salt = FIXTURE_SALT;
      await fresh.run(`
        INSERT INTO retail_bronze.cart_events VALUES
          ('z1', 'browse', 'SZ', 'web', 'L9', ' ZOE@Example.COM ', 'north', 'A', 1, NULL, '2026-07-01T09:00:00Z', TIMESTAMP '2026-07-01 09:00:05'),
          ('z2', 'browse', 'SZ', 'web', 'L9', 'Zoe@example.com', 'north', 'A', 1, NULL, '2026-07-01T09:30:00Z', TIMESTAMP '2026-07-01 09:30:05'),
          ('z3', 'browse', 'SZ', 'web', 'L9', 'z***@***.com', 'north', 'A', 1, NULL, '2026-07-01T09:40:00Z', TIMESTAMP '2026-07-01 09:40:05');
        INSERT INTO retail_bronze.pos_transactions VALUES
          ('pz', 'RZ', 'ST001', 'north', 'L9', 'zoe@example.com', 'A', 1, 3.00, '2026-07-01T10:00:00Z', TIMESTAMP '2026-07-01 10:00:05')`);
      // L9 is a CRM member with no usable email there: the one case where events add a pair (bridge rule 2).
      await fresh.run(`INSERT INTO retail_silver.loyalty_tier VALUES (DATE '2026-07-01', 'L9', 'member', NULL, 'north')`);
      await fresh.setEmailSalt(salt);
      await fresh.runFile("bridge/identity_bridge.sql", { window_start: FIXTURE_WINDOW.start, window_end: FIXTURE_WINDOW.end });
      const rows = await fresh.query(
        "SELECT email_hash, CAST(first_seen AS varchar) AS first_seen, CAST(last_seen AS varchar) AS last_seen, source FROM retail_silver.identity_bridge WHERE loyalty_id = 'L9'",
      );
      const hash = crypto.createHash("sha256").update(`${salt}zoe@example.com`).digest("hex");
      assert.deepStrictEqual(rows, [
        { email_hash: hash, first_seen: "2026-07-01 09:00:05", last_seen: "2026-07-01 10:00:05", source: "cart_events" },
      ]);
    } finally {
      fresh.close();
    }
  });

  it("is idempotent: a second run of the same window changes nothing", async () => {
    const before = await silverCounts(lake);
    await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
    assert.deepStrictEqual(await silverCounts(lake), before);
  });

  it("writes no row on a re-run: the bridge and snapshot merges rewrite a matched row only when it changes", async () => {
    // On Iceberg every rewritten row is a delete file; the bridge sees the whole CRM snapshot every few minutes.
    const params = { window_start: FIXTURE_WINDOW.start, window_end: FIXTURE_WINDOW.end };
    const written = async (file: string) => {
      const counts: number[] = [];
      for (const st of splitStatements(renderSql(loadSql(file), params))) counts.push(Number((await lake.query(st))[0].Count));
      return counts;
    };
    assert.deepStrictEqual(await written("bridge/identity_bridge.sql"), [0]);
    assert.deepStrictEqual(await written("merge/erp_inventory.sql"), [0, 0, 0], "silver, quarantine and duplicates");
    assert.deepStrictEqual(await written("merge/loyalty_tier.sql"), [0, 0, 0], "silver, quarantine and duplicates");
    // A corrected value still goes through, as one row.
    await lake.run(`UPDATE retail_bronze.erp_inventory SET on_hand = on_hand + 1 WHERE location_id = 'DC1' AND sku = 'A'`);
    assert.deepStrictEqual(await written("merge/erp_inventory.sql"), [1, 0, 0]);
  });

  it("reconciles every lane-fed silver table: source = silver + quarantined", async () => {
    const rows = await reconcileDay(lake, DAY);
    assert.deepStrictEqual(
      rows.map((r) => [r.table, r.source, r.silver, r.status]),
      [
        ["campaign_attribution", 0, 0, "ok"],
        ["cart_events", 19, 19, "ok"],
        ["erp_inventory", 4, 4, "ok"],
        ["loyalty_redemptions", 3, 3, "ok"],
        ["loyalty_tier", 6, 6, "ok"],
        ["order_events", 10, 10, "ok"],
      ],
    );
  });

  it("reports a mismatch when silver loses a row", async () => {
    await lake.run("DELETE FROM retail_silver.order_events WHERE event_id = 'p2'");
    const order = (await reconcileDay(lake, DAY)).find((r) => r.table === "order_events")!;
    assert.deepStrictEqual([order.source, order.silver, order.status], [10, 9, "mismatch"]);
  });
});

describe("dedupe when an invalid copy arrives before a valid one", () => {
  it("keeps the earliest valid copy, quarantines only keys that never arrived valid, once", async () => {
    const lake = await LocalLakehouse.open();
    try {
      const row = (id: string, session: string, time: string, received: string, revenue = "5.00") =>
        `('${id}', 'purchase', '${session}', 'web', 'L9', 'z@example.com', 'north', 'A', 1, ${revenue}, '${time}', TIMESTAMP '2026-07-01 ${received}')`;
      await lake.run(`INSERT INTO retail_bronze.cart_events VALUES
        ${row("twin", "S9", "not-a-time", "10:00:00")},
        ${row("twin", "S9", "2026-07-01T10:00:00Z", "10:05:00")},
        ${row("twin", "S9b", "2026-07-01T10:00:00Z", "10:09:00")},
        ${row("only-bad", "S9", "2026-07-01T11:00:00Z", "11:00:00", "-1.00")},
        ${row("only-bad", "S9", "2026-07-01T11:00:00Z", "11:04:00", "-1.00")}`);
      await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
      await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
      const cart = await lake.query("SELECT event_id, session_id, CAST(event_ts AS varchar) AS ts FROM retail_silver.cart_events");
      assert.deepStrictEqual(cart, [{ event_id: "twin", session_id: "S9", ts: "2026-07-01 10:00:00" }]);
      const orders = await lake.query("SELECT event_id, loyalty_id FROM retail_silver.order_events");
      assert.deepStrictEqual(orders, [{ event_id: "twin", loyalty_id: "L9" }]);
      const refused = await lake.query(
        "SELECT event_id, reason, CAST(received_at AS varchar) AS received_at FROM retail_silver.quarantine ORDER BY received_at",
      );
      // The S9b copy of twin carries another session: a conflicting duplicate, recorded once although merged twice.
      assert.deepStrictEqual(refused, [
        { event_id: "twin", reason: "conflicting_duplicate", received_at: "2026-07-01 10:09:00" },
        { event_id: "only-bad", reason: "negative_revenue", received_at: "2026-07-01 11:00:00" },
      ]);
      const [q] = await lake.query("SELECT row_key FROM retail_silver.quarantine WHERE reason = 'negative_revenue'");
      assert.strictEqual(q.row_key, "only-bad");
    } finally {
      lake.close();
    }
  });
});

describe("batch snapshot merges (erp_inventory, loyalty_tier)", () => {
  const params = (start: string, end: string) => ({ window_start: start, window_end: end });
  const inv = (day: string, sku: string, onHand: number, shipped: number, received: string) =>
    `(DATE '${day}', 'ST001', 'store', 'north', '${sku}', ${onHand}, 10, ${shipped}, TIMESTAMP '${received}')`;
  const tier = (day: string, id: string, t: string, received: string) =>
    `(DATE '${day}', '${id}', '${t}', '${id}@example.com', 'north', TIMESTAMP '${received}')`;
  const mergeBatch = async (lake: LocalLakehouse, start: string, end: string) => {
    await lake.setEmailSalt(FIXTURE_SALT);
    for (const table of ["erp_inventory", "loyalty_tier"]) await lake.runFile(`merge/${table}.sql`, params(start, end));
  };
  const silver = async (lake: LocalLakehouse) => ({
    inventory: await lake.query(
      "SELECT CAST(snapshot_date AS varchar) AS day, sku, on_hand, units_shipped FROM retail_silver.erp_inventory ORDER BY day, sku",
    ),
    tiers: await lake.query(
      "SELECT CAST(snapshot_date AS varchar) AS day, loyalty_id, tier FROM retail_silver.loyalty_tier ORDER BY day, loyalty_id",
    ),
  });

  it("take the extract dated the window's end day (landed by the run that closes the window), not later ones", async () => {
    const lake = await LocalLakehouse.open();
    try {
      await lake.run(`INSERT INTO retail_bronze.erp_inventory VALUES
        ${inv("2026-07-01", "A", 3, 8, "2026-07-01 06:00:00")}, ${inv("2026-07-02", "A", 4, 9, "2026-07-02 06:00:00")},
        ${inv("2026-07-03", "A", 5, 7, "2026-07-03 06:00:00")}`);
      await lake.run(`INSERT INTO retail_bronze.loyalty_tier VALUES
        ${tier("2026-07-02", "L1", "gold", "2026-07-02 06:00:00")}, ${tier("2026-07-03", "L1", "platinum", "2026-07-03 06:00:00")}`);
      await mergeBatch(lake, "2026-07-01 00:00:00", "2026-07-02 00:00:00");
      assert.deepStrictEqual(await silver(lake), {
        inventory: [
          { day: "2026-07-01", sku: "A", on_hand: 3, units_shipped: 8 },
          { day: "2026-07-02", sku: "A", on_hand: 4, units_shipped: 9 },
        ],
        tiers: [{ day: "2026-07-02", loyalty_id: "L1", tier: "gold" }],
      });
      // The next window overlaps on its start day; the merge updates in place, so nothing doubles.
      await mergeBatch(lake, "2026-07-02 00:00:00", "2026-07-03 00:00:00");
      const after = await silver(lake);
      assert.deepStrictEqual(
        after.inventory.map((r) => r.day),
        ["2026-07-01", "2026-07-02", "2026-07-03"],
      );
      assert.deepStrictEqual(
        after.tiers.map((r) => [r.day, r.tier]),
        [
          ["2026-07-02", "gold"],
          ["2026-07-03", "platinum"],
        ],
      );
      const rec = (await reconcileDay(lake, "2026-07-02")).filter((r) => r.table === "erp_inventory" || r.table === "loyalty_tier");
      assert.deepStrictEqual(
        rec.map((r) => [r.table, r.source, r.silver, r.status]),
        [
          ["erp_inventory", 1, 1, "ok"],
          ["loyalty_tier", 1, 1, "ok"],
        ],
      );
    } finally {
      lake.close();
    }
  });

  it("keep the latest landed copy of a re-extracted day, whatever the payload order, and a re-run keeps it", async () => {
    const lake = await LocalLakehouse.open();
    try {
      // The corrected re-extract sorts after the original by payload ('1' < '9', 'gold' < 'member'), so only landing
      // time can pick it. It lands after the first merge, in the same window and in a later one.
      await lake.run(`INSERT INTO retail_bronze.erp_inventory VALUES
        ${inv("2026-07-01", "A", 1, 1, "2026-07-01 06:00:00")}, ${inv("2026-07-01", "B", 2, 2, "2026-07-01 06:00:00")}`);
      await lake.run(`INSERT INTO retail_bronze.loyalty_tier VALUES ${tier("2026-07-01", "L1", "gold", "2026-07-01 06:00:00")}`);
      await mergeBatch(lake, "2026-07-01 00:00:00", "2026-07-02 00:00:00");
      await lake.run(`INSERT INTO retail_bronze.erp_inventory VALUES ${inv("2026-07-01", "A", 9, 9, "2026-07-01 14:00:00")}`);
      await lake.run(`INSERT INTO retail_bronze.loyalty_tier VALUES ${tier("2026-07-01", "L1", "member", "2026-07-01 14:00:00")}`);
      const expected = {
        inventory: [
          { day: "2026-07-01", sku: "A", on_hand: 9, units_shipped: 9 },
          { day: "2026-07-01", sku: "B", on_hand: 2, units_shipped: 2 },
        ],
        tiers: [{ day: "2026-07-01", loyalty_id: "L1", tier: "member" }],
      };
      for (let i = 0; i < 2; i++) {
        await mergeBatch(lake, "2026-07-01 00:00:00", "2026-07-02 00:00:00");
        assert.deepStrictEqual(await silver(lake), expected);
      }
      // The window ending on that day also takes it, and keeps the correction too.
      await mergeBatch(lake, "2026-06-30 00:00:00", "2026-07-01 00:00:00");
      assert.deepStrictEqual(await silver(lake), expected);
      const rec = (await reconcileDay(lake, "2026-07-01")).filter((r) => r.table === "erp_inventory" || r.table === "loyalty_tier");
      assert.deepStrictEqual(
        rec.map((r) => [r.table, r.source, r.silver, r.status]),
        [
          ["erp_inventory", 2, 2, "ok"],
          ["loyalty_tier", 1, 1, "ok"],
        ],
      );
      assert.deepStrictEqual(await lake.query("SELECT count(*) AS n FROM retail_silver.quarantine"), [{ n: 0 }]);
    } finally {
      lake.close();
    }
  });
});

describe("merging day by day", () => {
  it("gives the same silver as one window, also when a late re-send lands in a later window", async () => {
    const whole = await mergedFixture();
    const expected = await silverCounts(whole);
    whole.close();
    const lake = await LocalLakehouse.open();
    await loadFixture(lake);
    await lake.run(`INSERT INTO retail_bronze.pos_transactions
      SELECT * REPLACE (TIMESTAMP '2026-07-02 08:00:00' AS received_at) FROM retail_bronze.pos_transactions WHERE event_id = 'p2'`);
    for (let i = 0; i < 2; i++) {
      await mergeWindow(lake, { start: "2026-07-01 00:00:00", end: "2026-07-02 00:00:00" }, FIXTURE_SALT);
      await mergeWindow(lake, { start: "2026-07-02 00:00:00", end: "2026-07-03 00:00:00" }, FIXTURE_SALT);
    }
    assert.deepStrictEqual(await silverCounts(lake), expected);
    lake.close();
  });

  it("keeps one silver row when a re-send in a later window differs only by whitespace in its event_id", async () => {
    const whole = await mergedFixture();
    const expected = await silverCounts(whole);
    whole.close();
    const lake = await LocalLakehouse.open();
    await loadFixture(lake);
    // A cart event and a POS line re-sent the next day with a padded id: the dedupe key is the trimmed id, so the
    // match against silver must be too, or the second window inserts them again.
    await lake.run(`INSERT INTO retail_bronze.cart_events
      SELECT * REPLACE (' ' || event_id || ' ' AS event_id, TIMESTAMP '2026-07-02 08:00:00' AS received_at)
      FROM retail_bronze.cart_events WHERE event_id = (SELECT min(event_id) FROM retail_bronze.cart_events WHERE event_type = 'purchase')`);
    await lake.run(`INSERT INTO retail_bronze.pos_transactions
      SELECT * REPLACE (event_id || '  ' AS event_id, TIMESTAMP '2026-07-02 08:00:00' AS received_at) FROM retail_bronze.pos_transactions WHERE event_id = 'p2'`);
    await mergeWindow(lake, { start: "2026-07-01 00:00:00", end: "2026-07-02 00:00:00" }, FIXTURE_SALT);
    await mergeWindow(lake, { start: "2026-07-02 00:00:00", end: "2026-07-03 00:00:00" }, FIXTURE_SALT);
    assert.deepStrictEqual(await silverCounts(lake), expected);
    const [padded] = await lake.query("SELECT count(*) AS n FROM retail_silver.order_events WHERE event_id <> trim(event_id)");
    assert.strictEqual(padded.n, 0);
    lake.close();
  });
});

describe("a key refused in one window and valid in a later one", () => {
  it("is kept in silver, its refused copy stays in quarantine, and reconciliation counts the key once", async () => {
    const lake = await mergedFixture();
    // The first window saw a kiosk copy (refused: unknown channel); the valid web copy arrives in the next window.
    await lake.run(`INSERT INTO retail_bronze.cart_events
      SELECT * REPLACE ('flip-1' AS event_id, 'kiosk' AS channel, TIMESTAMP '${DAY} 10:01:00' AS received_at)
      FROM retail_bronze.cart_events WHERE event_id = (SELECT min(event_id) FROM retail_silver.cart_events)`);
    await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
    await lake.run(`INSERT INTO retail_bronze.cart_events
      SELECT * REPLACE ('web' AS channel, TIMESTAMP '2026-07-02 09:00:00' AS received_at) FROM retail_bronze.cart_events WHERE event_id = 'flip-1'`);
    await mergeWindow(lake, { start: "2026-07-02 00:00:00", end: "2026-07-03 00:00:00" }, FIXTURE_SALT);
    const [where] = await lake.query(`SELECT
      (SELECT count(*) FROM retail_silver.cart_events WHERE event_id = 'flip-1') AS silver,
      (SELECT count(*) FROM retail_silver.quarantine WHERE row_key = 'flip-1') AS quarantine`);
    assert.deepStrictEqual(where, { silver: 1, quarantine: 1 });
    const cart = (await reconcileDay(lake, DAY)).find((r) => r.table === "cart_events")!;
    assert.deepStrictEqual([cart.source, cart.silver, cart.status], [cart.source, cart.source, "ok"]);
    lake.close();
  });
});

describe("the merge horizon", () => {
  it("quarantines an event older than its window's start by more than the 3 days reconciliation reads, and merges a 2-day-old one", async () => {
    const lake = await mergedFixture();
    const before = await silverCounts(lake);
    const resend = (table: string, silverTable: string, id: string, eventTime: string) =>
      lake.run(`INSERT INTO retail_bronze.${table}
        SELECT * REPLACE ('${id}' AS event_id, '${eventTime}' AS event_time, TIMESTAMP '2026-07-02 08:00:00' AS received_at)
        FROM retail_bronze.${table} WHERE event_id = (SELECT min(event_id) FROM retail_silver.${silverTable})`);
    // The next window starts 2026-07-02 00:00: its horizon is 2026-06-29 00:00.
    await resend("cart_events", "cart_events", "old-c", "2026-06-28T23:59:59Z");
    await resend("pos_transactions", "order_events", "old-p", "2026-06-28T10:00:00Z");
    await resend("loyalty_redemptions", "loyalty_redemptions", "old-r", "2026-06-27T10:00:00Z");
    await resend("cart_events", "cart_events", "recent-c", "2026-06-29T00:00:00Z");
    await mergeWindow(lake, { start: "2026-07-02 00:00:00", end: "2026-07-03 00:00:00" }, FIXTURE_SALT);
    const quarantined = await lake.query(
      "SELECT source_table, event_id, reason, CAST(event_ts AS varchar) AS ts FROM retail_silver.quarantine WHERE reason = 'older_than_merge_horizon' ORDER BY 1",
    );
    assert.deepStrictEqual(quarantined, [
      { source_table: "cart_events", event_id: "old-c", reason: "older_than_merge_horizon", ts: "2026-06-28 23:59:59" },
      { source_table: "loyalty_redemptions", event_id: "old-r", reason: "older_than_merge_horizon", ts: "2026-06-27 10:00:00" },
      { source_table: "pos_transactions", event_id: "old-p", reason: "older_than_merge_horizon", ts: "2026-06-28 10:00:00" },
    ]);
    const after = await silverCounts(lake);
    assert.strictEqual(after.cart, Number(before.cart) + 1, "recent-c, exactly on the horizon, is merged");
    assert.deepStrictEqual([after.orders, after.redemptions], [before.orders, before.redemptions]);
    lake.close();
  });

  it("bounds every merge's match against silver by that horizon, the same 3 days reconciliation reads", () => {
    const horizon = "t.event_ts >= TIMESTAMP '{{window_start}}' - INTERVAL '3' DAY";
    for (const f of ["merge/cart_events.sql", "merge/pos_transactions.sql", "merge/loyalty_redemptions.sql"]) {
      const targets = splitStatements(loadSql(f)).filter(
        (st) => !/^MERGE INTO retail_silver\.(quarantine|event_keys|duplicates|canary_arrivals|unresolved_identities) /m.test(st),
      );
      assert.ok(targets.length > 0, f);
      for (const st of targets)
        assert.match(
          st,
          new RegExp(`^ON t\\.event_id = s\\.row_key AND (t\\.channel [^\\n]* AND )?${horizon.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"),
          f,
        );
    }
    // The canary record and the unresolved-identities record read silver within the same horizon (their rows were just merged there).
    for (const f of ["merge/cart_events.sql", "merge/pos_transactions.sql"]) {
      const [canary] = splitStatements(loadSql(f)).filter((st) => /^MERGE INTO retail_silver\.canary_arrivals /m.test(st));
      assert.match(canary, /s\.event_ts >= TIMESTAMP '\{\{window_start\}\}' - INTERVAL '3' DAY/, f);
      const [side] = splitStatements(loadSql(f.replace("merge/", "unresolved/"))).filter((st) =>
        /^MERGE INTO retail_silver\.unresolved_identities /m.test(st),
      );
      assert.match(side, /WHERE event_ts >= TIMESTAMP '\{\{window_start\}\}' - INTERVAL '3' DAY AND loyalty_id IS NULL/, f);
    }
    for (const f of ["reconcile/cart_events.sql", "reconcile/order_events.sql", "reconcile/loyalty_redemptions.sql"]) {
      assert.match(loadSql(f), /b\.received_at < TIMESTAMP '\{\{day\}\} 00:00:00' \+ INTERVAL '3' DAY/, f);
    }
  });
});

describe("gold KPI views against hand-computed values", () => {
  let lake: LocalLakehouse;
  before(async () => (lake = await mergedFixture()));
  after(() => lake.close());
  const rate = (rows: Row[], key: string, col: string) => Number(byKey(rows, "region")[key][col]);

  it("omnichannel: conversion, abandonment, velocity, redemption and fill rate", async () => {
    await createGoldViews(lake, "omnichannel");
    const conv = await lake.query("SELECT * FROM retail_gold.conversion_rate WHERE day = DATE '2026-07-01'");
    // north: S1 (L1 bought in store), S3 (bought in session) of S1-S3; south: S5 (L5 bought in store) of S4-S6.
    assert.deepStrictEqual([rate(conv, "north", "converted_sessions"), rate(conv, "north", "sessions")], [2, 3]);
    assert.strictEqual(rate(conv, "north", "conversion_rate"), 2 / 3);
    assert.strictEqual(rate(conv, "south", "conversion_rate"), 1 / 3);
    const cart = await lake.query("SELECT * FROM retail_gold.cart_abandonment WHERE day = DATE '2026-07-01'");
    // Carts S1 (recovered in store), S2 (abandoned), S3 (bought) in north; S5 (recovered in store) in south.
    assert.strictEqual(rate(cart, "north", "cart_abandonment"), 1 / 3);
    assert.strictEqual(rate(cart, "south", "cart_abandonment"), 0);
    const sku = byKey(await lake.query("SELECT * FROM retail_gold.sku_velocity WHERE day = DATE '2026-07-01'"), "channel", "sku");
    assert.deepStrictEqual(Object.fromEntries(Object.entries(sku).map(([k, r]) => [k, [r.order_lines, r.revenue]])), {
      "store/A": [2, 20],
      "store/B": [2, 10],
      "store/C": [2, 15],
      "app/A": [1, 20],
    });
    const red = byKey(await lake.query("SELECT * FROM retail_gold.loyalty_redemption_rate WHERE day = DATE '2026-07-01'"), "channel");
    // Store loyalty lines p1a, p1b, p2 (scans) and p5 (bridge); p1a redeemed. App: w3 redeemed.
    assert.deepStrictEqual([red.store.loyalty_order_lines, red.store.redeemed_lines, red.store.loyalty_redemption_rate], [4, 1, 0.25]);
    assert.strictEqual(red.app.loyalty_redemption_rate, 1);
    const fill = await lake.query("SELECT * FROM retail_gold.inventory_fill_rate WHERE day = DATE '2026-07-01'");
    // north: ST001 8/10 and DC1 10/20 (ST002 is quarantined for negative stock); south: ST010 5/5.
    assert.strictEqual(rate(fill, "north", "inventory_fill_rate"), 18 / 30);
    assert.strictEqual(rate(fill, "south", "inventory_fill_rate"), 1);
  });

  it("store-only rollback: no cross-channel credit, store lines and locations only", async () => {
    await createGoldViews(lake, "store-only");
    const conv = await lake.query("SELECT * FROM retail_gold.conversion_rate WHERE day = DATE '2026-07-01'");
    assert.strictEqual(rate(conv, "north", "conversion_rate"), 1 / 3);
    assert.strictEqual(rate(conv, "south", "conversion_rate"), 0);
    const cart = await lake.query("SELECT * FROM retail_gold.cart_abandonment");
    assert.strictEqual(rate(cart, "north", "cart_abandonment"), 2 / 3);
    assert.strictEqual(rate(cart, "south", "cart_abandonment"), 1);
    const sku = await lake.query("SELECT DISTINCT channel FROM retail_gold.sku_velocity");
    assert.deepStrictEqual(
      sku.map((r) => r.channel),
      ["store"],
    );
    const red = await lake.query("SELECT * FROM retail_gold.loyalty_redemption_rate");
    assert.deepStrictEqual(
      red.map((r) => [r.channel, r.loyalty_redemption_rate]),
      [["store", 0.25]],
    );
    const fill = await lake.query("SELECT * FROM retail_gold.inventory_fill_rate");
    assert.strictEqual(rate(fill, "north", "inventory_fill_rate"), 0.8);
    await createGoldViews(lake, "omnichannel");
  });

  it("prunes: a day with no data returns no rows from any view", async () => {
    for (const kpi of ["conversion_rate", "cart_abandonment", "sku_velocity", "loyalty_redemption_rate", "inventory_fill_rate"]) {
      assert.deepStrictEqual(await lake.query(`SELECT * FROM retail_gold.${kpi} WHERE day = DATE '2026-07-02'`), [], kpi);
    }
  });
});

describe("row keys cannot collide", () => {
  const W = FIXTURE_WINDOW;
  async function merged(sql: string): Promise<LocalLakehouse> {
    const lake = await LocalLakehouse.open();
    await lake.run(sql);
    await mergeWindow(lake, W, FIXTURE_SALT);
    return lake;
  }

  it("keeps id-less cart and POS rows apart when they differ only in email, in where a '|' sits, or NULL against ''", async () => {
    const cart = (session: string, loyalty: string | null, email: string, region: string) =>
      `(NULL, 'browse', '${session}', 'web', ${loyalty === null ? "NULL" : `'${loyalty}'`}, '${email}', '${region}', 'A', 1, NULL, '2026-07-01T10:00:00Z', TIMESTAMP '2026-07-01 10:00:05')`;
    const pos = (store: string, region: string, email: string) =>
      `(NULL, 'R1', '${store}', '${region}', NULL, '${email}', 'A', 1, 1.00, '2026-07-01T10:00:00Z', TIMESTAMP '2026-07-01 10:00:05')`;
    const lake = await merged(`
      INSERT INTO retail_bronze.cart_events VALUES
        ${cart("S1", null, "a@example.com", "north")}, ${cart("S1", null, "b@example.com", "north")},
        ${cart("S1|x", null, "a@example.com", "north")}, ${cart("S1", null, "a@example.com", "x|north")},
        ${cart("S1", "", "a@example.com", "north")};
      INSERT INTO retail_bronze.pos_transactions VALUES
        ${pos("ST1", "north", "a@example.com")}, ${pos("ST1", "north", "b@example.com")},
        ${pos("ST1|north", "", "a@example.com")}, ${pos("ST1", "|north", "a@example.com")}`);
    try {
      const rows = await lake.query(
        "SELECT source_table, count(DISTINCT row_key) AS keys, count(*) AS n FROM retail_silver.quarantine GROUP BY 1 ORDER BY 1",
      );
      assert.deepStrictEqual(rows, [
        { source_table: "cart_events", keys: 5, n: 5 },
        { source_table: "pos_transactions", keys: 4, n: 4 },
      ]);
      const rec = byKey(await reconcileDay(lake, DAY), "table");
      assert.deepStrictEqual([rec.cart_events.source, rec.cart_events.silver], [5, 5]);
      assert.deepStrictEqual([rec.order_events.source, rec.order_events.silver], [4, 4]);
    } finally {
      lake.close();
    }
  });

  it("keeps two ERP locations apart whose location_id and sku only shift a '|', and id-less CRM rows that differ in email", async () => {
    const inv = (loc: string, sku: string) => `(DATE '${DAY}', '${loc}', 'store', 'north', '${sku}', 1, 2, 2, TIMESTAMP '${DAY} 06:00:00')`;
    const lake = await merged(`
      INSERT INTO retail_bronze.erp_inventory VALUES ${inv("ST|1", "A")}, ${inv("ST", "1|A")};
      INSERT INTO retail_bronze.loyalty_tier VALUES
        (DATE '${DAY}', NULL, 'gold', 'a@example.com', 'north', TIMESTAMP '${DAY} 06:00:00'),
        (DATE '${DAY}', NULL, 'gold', 'b@example.com', 'north', TIMESTAMP '${DAY} 06:00:00')`);
    try {
      const inventory = await lake.query("SELECT location_id, sku FROM retail_silver.erp_inventory ORDER BY 1");
      assert.deepStrictEqual(inventory, [
        { location_id: "ST", sku: "1|A" },
        { location_id: "ST|1", sku: "A" },
      ]);
      const [q] = await lake.query("SELECT count(*) AS n FROM retail_silver.quarantine WHERE source_table = 'loyalty_tier'");
      assert.strictEqual(q.n, 2);
      const rec = byKey(await reconcileDay(lake, DAY), "table");
      assert.deepStrictEqual([rec.erp_inventory.source, rec.erp_inventory.silver], [2, 2]);
      assert.deepStrictEqual([rec.loyalty_tier.source, rec.loyalty_tier.silver], [2, 2]);
    } finally {
      lake.close();
    }
  });
});

describe("source scoping of order_events", () => {
  it("keeps a web purchase and a POS line that carry the same event id as two orders, and reconciles both", async () => {
    const lake = await LocalLakehouse.open();
    try {
      await lake.run(`
        INSERT INTO retail_bronze.cart_events VALUES
          ('1001', 'purchase', 'S1', 'web', 'L1', 'a@example.com', 'north', 'A', 1, 20.00, '2026-07-01T10:00:00Z', TIMESTAMP '2026-07-01 10:00:05'),
          ('1002', 'purchase', 'S1', 'web', 'L1', 'a@example.com', 'north', 'A', 1, 20.00, '2026-07-01T10:00:00Z', TIMESTAMP '2026-07-01 10:00:05');
        INSERT INTO retail_bronze.pos_transactions VALUES
          ('1001', 'R1', 'ST001', 'north', 'L2', 'b@example.com', 'B', 1, 450.00, '2026-07-01T11:00:00Z', TIMESTAMP '2026-07-01 11:00:05'),
          ('1002', 'R1', 'ST001', 'north', 'L2', 'b@example.com', 'B', 1, -1.00, '2026-07-01T11:00:00Z', TIMESTAMP '2026-07-01 11:00:05')`);
      await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
      // A second run must not let either source's row stand in for the other's.
      await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
      const orders = await lake.query("SELECT event_id, channel, revenue FROM retail_silver.order_events ORDER BY event_id, channel");
      assert.deepStrictEqual(orders, [
        { event_id: "1001", channel: "store", revenue: 450 },
        { event_id: "1001", channel: "web", revenue: 20 },
        { event_id: "1002", channel: "web", revenue: 20 },
      ]);
      const order = (await reconcileDay(lake, DAY)).find((r) => r.table === "order_events")!;
      // 1001 web, 1001 store, 1002 web kept, 1002 store refused: the web 1002 does not hide the refused POS line.
      assert.deepStrictEqual([order.source, order.silver, order.status], [4, 4, "ok"]);
      await lake.run("DELETE FROM retail_silver.order_events WHERE event_id = '1001' AND channel = 'store'");
      const lost = (await reconcileDay(lake, DAY)).find((r) => r.table === "order_events")!;
      assert.deepStrictEqual([lost.source, lost.silver, lost.status], [4, 3, "mismatch"]);
    } finally {
      lake.close();
    }
  });
});

describe("refusal reasons", () => {
  let lake: LocalLakehouse;
  const cart = (id: string, type: string, revenue: string, time: string, received: string, session = "S1") =>
    `('${id}', '${type}', '${session}', 'web', 'L1', 'a@example.com', 'north', 'A', 1, ${revenue}, '${time}', TIMESTAMP '2026-07-01 ${received}')`;
  const pos = (id: string, store: string | null, revenue: string, received: string, time = "2026-07-01T10:00:00Z") =>
    `('${id}', 'R1', ${store === null ? "NULL" : `'${store}'`}, 'north', 'L2', 'b@example.com', 'B', 1, ${revenue}, '${time}', TIMESTAMP '2026-07-01 ${received}')`;
  before(async () => {
    lake = await LocalLakehouse.open();
    await lake.run(`
      INSERT INTO retail_bronze.cart_events VALUES
        ${cart("buy-null", "purchase", "NULL", "2026-07-01T10:00:00Z", "10:00:05")},
        ${cart("browse-null", "browse", "NULL", "2026-07-01T10:00:00Z", "10:00:05")},
        ${cart("b-then-p", "browse", "NULL", "2026-07-01T10:00:00Z", "10:00:05")},
        ${cart("b-then-p", "purchase", "20.00", "2026-07-01T10:00:00Z", "10:01:05")},
        ${cart("resent", "purchase", "20.00", "2026-07-01T12:00:00+02:00", "10:00:05")},
        ${cart("  resent ", "purchase", "20.00", "2026-07-01T10:00:00Z", "10:02:05")},
        ${cart("other-day", "purchase", "20.00", "2026-07-01T10:00:00Z", "10:00:05")},
        ${cart("other-day", "purchase", "20.00", "2026-06-30T10:00:00Z", "10:05:05")};
      INSERT INTO retail_bronze.pos_transactions VALUES
        ${pos("pos-null", "ST1", "NULL", "10:00:05")},
        ${pos("pos-neg", "ST1", "-0.01", "10:00:05")},
        ${pos("pos-zero", "ST1", "0.00", "10:00:05")},
        ${pos("no-store", null, "1.00", "10:00:05")},
        ${pos("empty-store", "", "1.00", "10:00:05")},
        ${pos("space-store", " \t ", "1.00", "10:00:05")},
        ${pos("padded-store", " ST1 ", "1.00", "10:00:05")},
        ${pos("twice", "ST1", "5.00", "10:00:05")},
        ${pos("twice", "ST1", "50.00", "10:03:05")},
        ${pos("twice", "ST1", "50.00", "10:04:05")},
        ${pos("same", "ST1", "5.00", "10:00:05")},
        ${pos("same", "ST1", "5.00", "10:03:05")}`);
    await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
    await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
  });
  after(() => lake.close());

  it("names each refusal by its own reason: missing vs negative revenue, missing vs blank store, conflicting duplicates", async () => {
    const rows = await lake.query("SELECT source_table, event_id, reason, event_type FROM retail_silver.quarantine ORDER BY 1, 2, 3");
    assert.deepStrictEqual(
      rows.map((r) => `${r.source_table}/${r.event_id}/${r.event_type}: ${r.reason}`),
      [
        "cart_events/b-then-p/purchase: conflicting_duplicate",
        "cart_events/buy-null/purchase: missing_revenue",
        "cart_events/other-day/purchase: conflicting_duplicate",
        "pos_transactions/empty-store/purchase: blank_store_id",
        "pos_transactions/no-store/purchase: missing_store_id",
        "pos_transactions/pos-neg/purchase: negative_revenue",
        "pos_transactions/pos-null/purchase: missing_revenue",
        "pos_transactions/space-store/purchase: blank_store_id",
        "pos_transactions/twice/purchase: conflicting_duplicate",
      ],
    );
    const [twice] = await lake.query("SELECT raw_payload FROM retail_silver.quarantine WHERE event_id = 'twice'");
    assert.match(String(twice.raw_payload), /\|50\.00\|/, "the later, conflicting copy is the one recorded");
  });

  it("keeps the first copy of a conflicting key, a browse with no revenue, a zero and a padded store, and nothing twice", async () => {
    const cartRows = await lake.query("SELECT event_id, event_type FROM retail_silver.cart_events ORDER BY 1");
    assert.deepStrictEqual(
      cartRows.map((r) => `${r.event_id}:${r.event_type}`),
      ["b-then-p:browse", "browse-null:browse", "other-day:purchase", "resent:purchase"],
    );
    const orders = await lake.query("SELECT event_id, channel, CAST(revenue AS varchar) AS revenue FROM retail_silver.order_events ORDER BY 1");
    assert.deepStrictEqual(
      orders.map((r) => `${r.event_id}:${r.channel}:${r.revenue}`),
      ["other-day:web:20.00", "padded-store:store:1.00", "pos-zero:store:0.00", "resent:web:20.00", "same:store:5.00", "twice:store:5.00"],
    );
  });

  it("reconciles every day with every bronze row accounted for, the conflicting copy dated another day included", async () => {
    for (const day of [DAY, "2026-06-30"]) {
      for (const r of await reconcileDay(lake, day)) assert.strictEqual(r.status, "ok", `${day} ${r.table}: ${r.source} vs ${r.silver}`);
    }
    const byDay = async (day: string) => byKey(await reconcileDay(lake, day), "table");
    const d1 = await byDay(DAY);
    const d0 = await byDay("2026-06-30");
    assert.deepStrictEqual([d1.cart_events.source, d1.order_events.source, d0.cart_events.source, d0.order_events.source], [5, 13, 1, 1]);
  });
});

describe("time sanity", () => {
  it("quarantines an event dated more than the skew bound ahead of its arrival, counted on its arrival day", async () => {
    const lake = await LocalLakehouse.open();
    try {
      const cart = (id: string, time: string) =>
        `('${id}', 'purchase', 'S1', 'web', 'L1', 'a@example.com', 'north', 'A', 1, 5.00, '${time}', TIMESTAMP '2026-07-01 10:00:00')`;
      const pos = (id: string, time: string) =>
        `('${id}', 'R1', 'ST1', 'north', 'L1', 'a@example.com', 'A', 1, 5.00, '${time}', TIMESTAMP '2026-07-01 10:00:00')`;
      const red = (id: string, time: string) => `('${id}', 'L1', 'x', 'store', 10, '${time}', TIMESTAMP '2026-07-01 10:00:00')`;
      await lake.run(`
        INSERT INTO retail_bronze.cart_events VALUES ${cart("c-edge", "2026-07-01T10:15:00Z")}, ${cart("c-ahead", "2026-07-01T10:15:01Z")},
          ${cart("c-2099", "2099-01-01T00:00:00Z")}, ${cart("c-space", "2026-07-01 09:00:00Z")};
        INSERT INTO retail_bronze.pos_transactions VALUES ${pos("p-edge", "2026-07-01T12:15:00+02:00")}, ${pos("p-ahead", "2026-07-01T12:15:01+02:00")};
        INSERT INTO retail_bronze.loyalty_redemptions VALUES ${red("r-edge", "2026-07-01T10:15:00Z")}, ${red("r-ahead", "2026-07-01T10:15:01Z")}`);
      await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
      const refused = await lake.query("SELECT event_id, reason, CAST(event_ts AS varchar) AS ts FROM retail_silver.quarantine ORDER BY event_id");
      assert.deepStrictEqual(refused, [
        { event_id: "c-2099", reason: "future_event_time", ts: "2026-07-01 10:00:00" },
        { event_id: "c-ahead", reason: "future_event_time", ts: "2026-07-01 10:00:00" },
        { event_id: "c-space", reason: "unparseable_timestamp", ts: "2026-07-01 10:00:00" },
        { event_id: "p-ahead", reason: "future_event_time", ts: "2026-07-01 10:00:00" },
        { event_id: "r-ahead", reason: "future_event_time", ts: "2026-07-01 10:00:00" },
      ]);
      const kept = await lake.query(`SELECT event_id FROM retail_silver.cart_events UNION ALL SELECT event_id FROM retail_silver.order_events
        UNION ALL SELECT event_id FROM retail_silver.loyalty_redemptions ORDER BY 1`);
      assert.deepStrictEqual(
        kept.map((r) => r.event_id),
        ["c-edge", "c-edge", "p-edge", "r-edge"],
      );
      for (const r of await reconcileDay(lake, DAY)) assert.strictEqual(r.status, "ok", `${r.table}: ${r.source} vs ${r.silver}`);
      const rec = byKey(await reconcileDay(lake, DAY), "table");
      assert.deepStrictEqual([rec.cart_events.source, rec.order_events.source, rec.loyalty_redemptions.source], [4, 6, 2]);
    } finally {
      lake.close();
    }
  });
});
