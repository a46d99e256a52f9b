import * as assert from "assert";
import { driftRatio, isMismatch, runReconcile } from "../../functions/reconcile";
import { fakeRunner, RecordingAlerts } from "./fakes";

describe("reconcile tolerance boundary", () => {
  const table = { cart_events: "SELECT '{{day}}' AS d" };
  const statusOf = async (source: number, silver: number, tolerance: number) => {
    const runner = fakeRunner([[/./, [{ source_rows: source, silver_rows: silver }]]]);
    const alerts = new RecordingAlerts();
    const report = await runReconcile({ day: "2026-07-01" }, { tables: table, tolerance }, { runner, alerts, now: () => new Date() });
    const t = report.tables[0];
    assert.ok(t.status !== "error");
    return { status: t.status, drift: t.drift, alerted: alerts.messages.length };
  };

  it("is a mismatch when the drift equals the tolerance (exactly 0.1 % lost at 0.001) and alerts", async () => {
    assert.deepStrictEqual(await statusOf(100_000, 99_900, 0.001), { status: "mismatch", drift: 0.001, alerted: 1 });
    assert.deepStrictEqual(await statusOf(1000, 1001, 0.001), { status: "mismatch", drift: 0.001, alerted: 1 });
    assert.deepStrictEqual(await statusOf(250, 249, 0.004), { status: "mismatch", drift: 0.004, alerted: 1 });
  });

  it("is ok one row under the tolerance, and quiet", async () => {
    assert.deepStrictEqual(await statusOf(100_000, 99_901, 0.001), { status: "ok", drift: 0.00099, alerted: 0 });
    assert.deepStrictEqual(await statusOf(1000, 1000, 0.001), { status: "ok", drift: 0, alerted: 0 });
  });

  it("with a tolerance of 0 asks for exact counts: no drift is ok, one row is a mismatch", () => {
    assert.strictEqual(isMismatch(driftRatio(1_000_000, 1_000_000), 0), false);
    assert.strictEqual(isMismatch(driftRatio(1_000_000, 999_999), 0), true);
    assert.strictEqual(isMismatch(driftRatio(0, 0), 0), false);
    assert.strictEqual(isMismatch(driftRatio(0, 1), 0.5), true, "a silver row with no source row is a full drift");
  });
});
