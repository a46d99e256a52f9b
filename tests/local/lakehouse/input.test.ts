import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runLakehouse } from "../../../local/lakehouse/run";

const ROOT = path.resolve(__dirname, "..", "..", "..");

const cart = (id: string | null, type: string, time: string, received: string | null, more: Record<string, unknown> = {}) => ({
  event_id: id,
  event_type: type,
  session_id: "S1",
  channel: "web",
  loyalty_id: null,
  email: "a@example.com",
  region: "north",
  sku: "A",
  quantity: 1,
  revenue: type === "purchase" ? 12.5 : null,
  event_time: time,
  received_at: received,
  ...more,
});
const pos = (id: string, time: string, received: string) => ({
  event_id: id,
  receipt_id: "R1",
  store_id: "ST001",
  region: "north",
  loyalty_id: null,
  email: "b@example.com",
  sku: "A",
  quantity: 1,
  revenue: "450.00",
  event_time: time,
  received_at: received,
});

/** A platform team's sample: a web purchase and a POS line that share id 1001, a re-send, and rows the merge refuses. */
function writeInput(dir: string): void {
  const carts = [
    cart("w1", "browse", "2026-07-01T09:00:00Z", "2026-07-01 09:00:05"),
    cart("1001", "purchase", "2026-07-01T09:05:00Z", "2026-07-01 09:05:05"),
    cart("1001", "purchase", "2026-07-01T09:05:00Z", "2026-07-01 09:06:00"),
    cart("w2", "browse", "2026-07-01 09:10:00", "2026-07-01 09:10:05"),
    cart("w3", "browse", "2026-07-01T09:20:00Z", "yesterday"),
    cart("w4", "browse", "2099-01-01T00:00:00Z", "2026-07-01T09:30:00Z"),
  ];
  fs.writeFileSync(path.join(dir, "cart_events.jsonl"), carts.map((r) => JSON.stringify(r)).join("\n") + "\n");
  fs.writeFileSync(path.join(dir, "pos_transactions.jsonl"), JSON.stringify(pos("1001", "2026-07-01T10:00:00Z", "2026-07-01 10:00:05")) + "\n");
}

describe("lakehouse --input and --out: the pipeline on a user's own bronze rows", () => {
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-input-"))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("accounts for every supplied row, keeps both id 1001 orders, names each refusal and writes where every row went", async () => {
    const input = path.join(tmp, "in");
    const out = path.join(tmp, "out");
    fs.mkdirSync(input);
    writeInput(input);
    const { report, detail } = await runLakehouse({ events: 0, seed: 0, days: 1, input, out });
    assert.deepStrictEqual(detail.input, {
      rows: { campaign_attribution: 0, cart_events: 6, pos_transactions: 1, loyalty_redemptions: 0, loyalty_tier: 0, erp_inventory: 0 },
      unreadableReceivedAt: 1,
    });
    assert.deepStrictEqual(report.accounting.cart_events, { bronze: 6, silver: 2, quarantined: 3, duplicates: 1, unaccounted: 0 });
    assert.deepStrictEqual(report.accounting.pos_transactions, { bronze: 1, silver: 1, quarantined: 0, duplicates: 0, unaccounted: 0 });
    assert.strictEqual(report.accounting.loyalty_tier.bronze, 0);
    assert.deepStrictEqual(report.quarantineReasons, { future_event_time: 1, missing_received_at: 1, unparseable_timestamp: 1 });
    assert.strictEqual(report.truth, null);
    assert.strictEqual(report.naive, null);
    assert.strictEqual(report.bridged.error, null);
    const lines = (f: string) =>
      fs
        .readFileSync(path.join(out, f), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
    const orders = lines("silver/order_events.jsonl");
    assert.deepStrictEqual(
      orders.map((o) => [o.event_id, o.channel, o.revenue]),
      [
        ["1001", "store", 450],
        ["1001", "web", 12.5],
      ],
    );
    assert.deepStrictEqual(
      lines("quarantine.jsonl")
        .map((q) => [q.event_id, q.reason])
        .sort(),
      [
        ["w2", "unparseable_timestamp"],
        ["w3", "missing_received_at"],
        ["w4", "future_event_time"],
      ],
    );
    assert.deepStrictEqual(
      lines("duplicates.jsonl").map((d) => [d.source_table, d.duplicate_of, d.duplicate_of_table]),
      [["cart_events", "1001", "silver"]],
    );
    assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(out, "accounting.json"), "utf8")), report.accounting);
    for (const t of ["cart_events", "loyalty_redemptions", "loyalty_tier", "erp_inventory", "identity_bridge"])
      assert.ok(fs.existsSync(path.join(out, "silver", `${t}.jsonl`)), t);
  });

  it("exits 2 naming the file, line, field and value of a bad row, and a file for no product", () => {
    const cases: [string, string, RegExp][] = [
      [
        "cart_events.jsonl",
        JSON.stringify({ ...cart("x", "browse", "2026-07-01T09:00:00Z", "2026-07-01 09:00:05"), qty: 1 }),
        /cart_events\.jsonl:1: field "qty" is not a column of retail_bronze\.cart_events/,
      ],
      [
        "cart_events.jsonl",
        JSON.stringify(cart("x", "browse", "2026-07-01T09:00:00Z", "2026-07-01 09:00:05", { quantity: "abc" })),
        /cart_events\.jsonl:1: quantity is "abc"; expected a whole number or null/,
      ],
      ["cart_events.jsonl", "{not json", /cart_events\.jsonl:1 is not JSON/],
      ["carts.jsonl", "{}", /carts\.jsonl names no bronze product; use one of campaign_attribution\.jsonl, cart_events\.jsonl/],
    ];
    for (const [file, text, message] of cases) {
      const dir = fs.mkdtempSync(path.join(tmp, "bad-"));
      fs.writeFileSync(path.join(dir, file), text + "\n");
      const r = spawnSync(process.execPath, ["-r", "./local/register.js", "local/lakehouse/cli.ts", "--input", dir, "--json"], {
        cwd: ROOT,
        encoding: "utf8",
      });
      assert.strictEqual(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
    }
  });
});

describe("lakehouse --fault: each failure mode is caught by the run's own report", () => {
  for (const kind of ["id-collision", "resend-late", "future-events", "forge-bridge"] as const) {
    it(kind, async () => {
      const { report } = await runLakehouse({ events: 4000, seed: 5, days: 3, fault: { kind } });
      assert.ok(report.fault, "the report says what was planted");
      assert.ok(report.fault.injected > 0, JSON.stringify(report.fault));
      assert.strictEqual(report.fault.caught, true, report.fault.detail);
      for (const [product, a] of Object.entries(report.accounting)) assert.strictEqual(a.unaccounted, 0, product);
      assert.ok(report.reconciliation.every((r) => r.status === "ok"));
    });
  }
});
