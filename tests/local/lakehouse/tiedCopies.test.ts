import * as assert from "assert";
import { LocalLakehouse } from "../../../local/lakehouse/duckdb";
import { accountDay, mergeWindow } from "../../../local/lakehouse/pipeline";
import { DAY, FIXTURE_SALT, FIXTURE_WINDOW } from "./fixture";

/**
 * Two copies of one key with different payloads that arrive at the same instant (a Glue batch run, or two records in
 * one Firehose millisecond): every statement must keep the same copy, whole (silver, order_events, the key index, the
 * conflict in quarantine, the unresolved side row). The kept copy is the earliest arrival, then the lowest payload
 * digest; which copy that is depends on the payload, so the pairs below make the tie go both ways.
 */
const AT = `TIMESTAMP '${DAY} 11:05:00'`;
const cart = (id: string, sku: string, email: string | null, minute: string, table = "cart") => {
  const e = email === null ? "NULL" : `'${email}'`;
  return table === "cart"
    ? `('${id}', 'purchase', 'S9', 'web', NULL, ${e}, 'south', '${sku}', 1, 7.50, '${DAY}T10:${minute}:00Z', ${AT})`
    : `('${id}', 'R9', 'ST010', 'south', NULL, ${e}, '${sku}', 1, 7.50, '${DAY}T10:${minute}:00Z', ${AT})`;
};
const PAIRS: [string, string][] = [
  ["A", "B"],
  ["B", "A"],
  ["C", "D"],
  ["D", "C"],
  ["E", "F"],
  ["F", "E"],
];

/** What the side table and silver hold when only one copy arrived: the reference a tie must match. */
async function state(rows: { cart?: string[]; pos?: string[] }) {
  const lake = await LocalLakehouse.open();
  try {
    if (rows.cart) await lake.run(`INSERT INTO retail_bronze.cart_events VALUES ${rows.cart.join(", ")}`);
    if (rows.pos) await lake.run(`INSERT INTO retail_bronze.pos_transactions VALUES ${rows.pos.join(", ")}`);
    await mergeWindow(lake, FIXTURE_WINDOW, FIXTURE_SALT);
    const one = async (sql: string) => (await lake.query(sql)).map((r) => JSON.stringify(r));
    return {
      cart: await one("SELECT event_id, sku, event_ts FROM retail_silver.cart_events ORDER BY ALL"),
      order: await one("SELECT event_id, channel, sku, event_ts FROM retail_silver.order_events ORDER BY ALL"),
      keys: await one("SELECT source_table, event_id, event_day, payload_digest FROM retail_silver.event_keys ORDER BY ALL"),
      side: await one("SELECT source_table, event_id, email_hash, event_ts FROM retail_silver.unresolved_identities ORDER BY ALL"),
      conflicts: (await lake.query("SELECT raw_payload FROM retail_silver.quarantine WHERE reason = 'conflicting_duplicate'")).map((r) =>
        String(r.raw_payload),
      ),
      accounting: await accountDay(lake, DAY),
    };
  } finally {
    lake.close();
  }
}

describe("copies of one key tied on arrival keep one copy, whole, in every statement", () => {
  // Emails and times differ, and which copy has the lower of each alternates, so a column-wise pick mixes them. In the
  // second case one copy has no email: when silver keeps that one, no side row may carry the other copy's email.
  const EMAILS: Record<string, [string | null, string | null]> = {
    "two emails": ["erin@example.com", "frank@example.com"],
    "one copy without an email": ["erin@example.com", null],
  };
  for (const table of ["cart", "pos"] as const)
    for (const [emails, [e1, e2]] of Object.entries(EMAILS)) {
      it(`${table}, ${emails}: silver, the key index, quarantine and the unresolved side row agree on the kept copy`, async () => {
        const kept = new Set<string>();
        for (const [i, [x, y]] of PAIRS.entries()) {
          const [ex, ey] = i % 2 ? [e2, e1] : [e1, e2];
          const a = cart("t1", x, ex, i % 2 ? "02" : "01", table);
          const b = cart("t1", y, ey, i % 2 ? "01" : "02", table);
          const tied = await state(table === "cart" ? { cart: [a, b] } : { pos: [a, b] });
          const product = table === "cart" ? "cart_events" : "pos_transactions";
          assert.deepStrictEqual(tied.accounting[product], { bronze: 2, silver: 1, quarantined: 1, duplicates: 0, unaccounted: 0 }, `${x}/${y}`);
          const onlyA = await state(table === "cart" ? { cart: [a] } : { pos: [a] });
          const onlyB = await state(table === "cart" ? { cart: [b] } : { pos: [b] });
          const same = (s: typeof onlyA) =>
            JSON.stringify([s.cart, s.order, s.keys, s.side]) === JSON.stringify([tied.cart, tied.order, tied.keys, tied.side]);
          const keptCopy = same(onlyA) ? x : same(onlyB) ? y : undefined;
          assert.ok(keptCopy, `${x}/${y}: silver, index and side row are no single copy's: ${JSON.stringify(tied)}`);
          const other = keptCopy === x ? y : x;
          assert.strictEqual(tied.conflicts.length, 1, `${x}/${y}`);
          assert.ok(tied.conflicts[0].includes(`|${other}|`), `${x}/${y}: the conflict is the copy not kept (${tied.conflicts[0]})`);
          kept.add(keptCopy === x ? "first" : "second");
        }
        assert.deepStrictEqual([...kept].sort(), ["first", "second"], "the pairs exercise the tie both ways");
      });
    }
});
