import * as assert from "assert";
import { BackfillEvent, backfillWindows, earliestReplay, planBackfill } from "../../functions/backfillPlan";

const LIMITS = {
  products: ["cart_events", "pos_transactions", "loyalty_tier"],
  rawEmailRetentionDays: 30,
  timeoutSeconds: 900,
  mergeTimeoutSeconds: 120,
};
const NOW = new Date("2026-11-25T12:00:00Z");
const EVENT: BackfillEvent = { products: ["cart_events", "pos_transactions"], from: "2026-11-20T00:00:00Z", to: "2026-11-22T00:00:00Z" };
const span = (w: { start: Date; end: Date }) => `${w.start.toISOString()}..${w.end.toISOString()}`;

function refusal(change: Record<string, unknown>, pattern: RegExp): void {
  assert.throws(() => planBackfill({ ...EVENT, ...change } as BackfillEvent, LIMITS, NOW), pattern);
}

describe("backfill windows (functions/backfillPlan.ts)", () => {
  it("cuts windows of the given hours and at every UTC midnight, the last one at to", () => {
    const windows = backfillWindows(new Date("2026-11-20T17:00:00Z"), new Date("2026-11-21T09:30:00Z"), 5);
    assert.deepStrictEqual(windows.map(span), [
      "2026-11-20T17:00:00.000Z..2026-11-20T22:00:00.000Z",
      "2026-11-20T22:00:00.000Z..2026-11-21T00:00:00.000Z",
      "2026-11-21T00:00:00.000Z..2026-11-21T05:00:00.000Z",
      "2026-11-21T05:00:00.000Z..2026-11-21T09:30:00.000Z",
    ]);
  });

  it("defaults to one window per UTC day", () => {
    const plan = planBackfill({ ...EVENT, from: "2026-11-20T06:00:00Z" }, LIMITS, NOW);
    assert.deepStrictEqual(plan.windows.map(span), [
      "2026-11-20T06:00:00.000Z..2026-11-21T00:00:00.000Z",
      "2026-11-21T00:00:00.000Z..2026-11-22T00:00:00.000Z",
    ]);
    assert.strictEqual(plan.windowsDone, 0);
  });

  it("resumes at the cursor: windows before it are counted done, not planned", () => {
    const plan = planBackfill({ ...EVENT, windowHours: 12, cursor: "2026-11-21T00:00:00Z", cursorProduct: "pos_transactions" }, LIMITS, NOW);
    assert.deepStrictEqual(plan.windows.map(span), [
      "2026-11-21T00:00:00.000Z..2026-11-21T12:00:00.000Z",
      "2026-11-21T12:00:00.000Z..2026-11-22T00:00:00.000Z",
    ]);
    assert.strictEqual(plan.windowsDone, 2);
    assert.strictEqual(plan.skipInFirstWindow, 1, "cart_events of the cursor's window was merged");
    assert.deepStrictEqual(planBackfill({ ...EVENT, cursor: EVENT.to }, LIMITS, NOW).windows, [], "cursor = to: the checks alone");
  });

  it("merges the bridge's CRM source first in each window, the other products as listed", () => {
    const plan = planBackfill(
      { ...EVENT, products: ["pos_transactions", "loyalty_tier", "cart_events"] },
      { ...LIMITS, bridgeSources: ["loyalty_tier"] },
      NOW,
    );
    assert.deepStrictEqual(plan.products, ["loyalty_tier", "pos_transactions", "cart_events"]);
  });

  it("lets a replay start one day after the raw-email scrub's cutoff, not earlier", () => {
    assert.strictEqual(earliestReplay(NOW, 30).toISOString(), "2026-10-27T00:00:00.000Z");
    planBackfill({ ...EVENT, from: "2026-10-27T00:00:00Z" }, LIMITS, NOW);
    refusal(
      { from: "2026-10-26T23:00:00Z" },
      /from = "2026-10-26T23:00:00Z" is before 2026-10-27T00:00:00.000Z: .*rawEmailRetentionDays = 30.* Fix: start at or after/,
    );
  });
});

describe("backfill event validation: each refusal names the field, the value and the fix", () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    [
      "no products",
      { products: [] },
      /backfill: products = \[\] is not a non-empty list of products\. Fix: list some of cart_events, pos_transactions, loyalty_tier\.$/,
    ],
    [
      "an unknown product",
      { products: ["cart_events", "carts"] },
      /products\[1\] = "carts" is not a merged product\. Fix: use one of cart_events, pos_transactions, loyalty_tier/,
    ],
    ["a product twice", { products: ["cart_events", "cart_events"] }, /products\[1\] = "cart_events" is listed twice\. Fix: list each product once/],
    [
      "from after to",
      { from: "2026-11-23T00:00:00Z" },
      /from = "2026-11-23T00:00:00Z" is not before to \(2026-11-22T00:00:00Z\)\. Fix: give a range/,
    ],
    ["from equal to to", { from: EVENT.to }, /from = "2026-11-22T00:00:00Z" is not before to/],
    [
      "to in the future",
      { to: "2026-11-25T12:01:00Z" },
      /to = "2026-11-25T12:01:00Z" is in the future \(now 2026-11-25T12:00:00.000Z\)\. Fix: end the range at or before now/,
    ],
    [
      "a time without a zone",
      { from: "2026-11-20T00:00:00" },
      /from = "2026-11-20T00:00:00" is not a real UTC time written YYYY-MM-DDTHH:MM:SSZ\. Fix: give e\.g\./,
    ],
    ["not a time", { to: "yesterday" }, /to = "yesterday" is not a real UTC time/],
    // Times Date would roll over to another day, and forms Date reads but the message does not promise.
    ["a day November lacks", { from: "2026-11-31T00:00:00Z" }, /from = "2026-11-31T00:00:00Z" is not a real UTC time/],
    ["February 30", { from: "2026-02-30T00:00:00Z" }, /from = "2026-02-30T00:00:00Z" is not a real UTC time/],
    ["hour 24", { from: "2026-11-20T24:00:00Z" }, /from = "2026-11-20T24:00:00Z" is not a real UTC time/],
    ["a date's English form", { from: "Fri Nov 20 2026 00:00:00 +00:00" }, /from = "Fri Nov 20 2026 00:00:00 \+00:00" is not a real UTC time/],
    [
      "a misspelt field",
      { windowhours: 1 },
      /windowhours = 1 is not a field of the backfill's event\. Fix: use only products, from, to, windowHours, cursor, cursorProduct/,
    ],
    ["a misspelt cursorProduct", { cursor_product: "cart_events" }, /cursor_product = "cart_events" is not a field/],
    ["seconds", { from: "2026-11-20T00:00:30Z" }, /from = "2026-11-20T00:00:30Z" is not on a whole minute\. Fix: drop the seconds/],
    ["windowHours 0", { windowHours: 0 }, /windowHours = 0 is not a whole number of hours from 1 to 24\. Fix:/],
    ["windowHours 25", { windowHours: 25 }, /windowHours = 25 is not a whole number/],
    ["windowHours 1.5", { windowHours: 1.5 }, /windowHours = 1.5 is not a whole number/],
    [
      "cursor before from",
      { cursor: "2026-11-19T00:00:00Z" },
      /cursor = "2026-11-19T00:00:00Z" is outside \[from, to\] = \[2026-11-20T00:00:00Z, 2026-11-22T00:00:00Z\]\. Fix: resume from the cursor/,
    ],
    ["cursor after to", { cursor: "2026-11-22T00:01:00Z" }, /cursor = "2026-11-22T00:01:00Z" is outside/],
    [
      "cursorProduct without cursor",
      { cursorProduct: "cart_events" },
      /cursorProduct = "cart_events" is not one of products with a cursor before to/,
    ],
    [
      "cursorProduct not in products",
      { cursor: "2026-11-21T00:00:00Z", cursorProduct: "loyalty_tier" },
      /cursorProduct = "loyalty_tier" is not one of products/,
    ],
  ];
  for (const [what, change, pattern] of cases) it(`refuses ${what}`, () => refusal(change, pattern));

  it("refuses an event that is not an object", () => {
    assert.throws(() => planBackfill(null as unknown as BackfillEvent, LIMITS, NOW), /backfill: event = null is not an object/);
  });
});
