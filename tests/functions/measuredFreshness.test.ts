import * as assert from "assert";
import { mockClient } from "aws-sdk-client-mock";
import { ListIngestionsCommand, QuickSightClient } from "@aws-sdk/client-quicksight";
import { runFreshness } from "../../functions/freshness";
import { listIngestions } from "../../functions/lambda";
import { CanaryArrival, CanaryKpi, Ingestion, measureKpi } from "../../functions/measuredFreshness";
import { fakeRunner, RecordingAlerts } from "./fakes";

const t = (hhmm: string) => new Date(`2026-07-01T${hhmm}:00Z`);
const arrival = (product: string, sent: string, silver: string): CanaryArrival => ({ product, sentAt: t(sent), silverAt: t(silver) });
const done = (created: string, completed: string): Ingestion => ({ createdAt: t(created), status: "COMPLETED", completedAt: t(completed) });
const DIRECT: CanaryKpi = { budgetMinutes: 22, products: ["cart_events", "pos_transactions"] };
const SPICE: CanaryKpi = { ...DIRECT, dataSetId: "retail-prod-gold-cart-abandonment" };

describe("measured freshness (functions/measuredFreshness.ts)", () => {
  it("a round reaches a direct-query KPI when its last stream product's canary is in silver", () => {
    const arrivals = [arrival("cart_events", "10:00", "10:07"), arrival("pos_transactions", "10:00", "10:09")];
    const m = measureKpi("sku_velocity", DIRECT, arrivals, undefined, 15, t("10:10"));
    assert.deepStrictEqual(m.round, {
      sentAt: t("10:00").toISOString(),
      silverAt: t("10:07").toISOString(),
      goldAt: t("10:09").toISOString(),
      minutes: 9,
    });
    assert.strictEqual(m.minutes, 9);
    assert.strictEqual(m.status, "within");
  });

  it("a SPICE KPI waits for the first completed ingestion started after gold had the round", () => {
    const arrivals = [arrival("cart_events", "10:00", "10:07"), arrival("pos_transactions", "10:00", "10:08")];
    const ingestions = [done("10:05", "10:06"), { createdAt: t("10:10"), status: "FAILED" }, done("10:15", "10:18"), done("10:30", "10:31")];
    const m = measureKpi("cart_abandonment", SPICE, arrivals, ingestions, 15, t("10:20"));
    assert.strictEqual(m.round?.spiceAt, t("10:18").toISOString());
    assert.strictEqual(m.minutes, 18);
    const before = measureKpi("cart_abandonment", SPICE, arrivals, [done("10:05", "10:06")], 15, t("10:12"));
    assert.strictEqual(before.round, undefined, "an ingestion started before gold had the round does not carry it");
    assert.strictEqual(before.minutes, 12);
  });

  it("a round stuck on one stream counts by its age, and goes over budget while it waits", () => {
    const arrivals = [
      arrival("cart_events", "10:00", "10:06"),
      arrival("pos_transactions", "10:00", "10:06"),
      arrival("cart_events", "10:15", "10:21"),
    ];
    const m = measureKpi("sku_velocity", DIRECT, arrivals, undefined, 15, t("10:40"));
    assert.strictEqual(m.round?.minutes, 6);
    assert.strictEqual(m.waitingSince, t("10:15").toISOString());
    assert.strictEqual(m.minutes, 25);
    assert.strictEqual(m.status, "over");
  });

  it("a round that never reached silver anywhere counts from when it was due", () => {
    const arrivals = [arrival("cart_events", "10:00", "10:06"), arrival("pos_transactions", "10:00", "10:06")];
    const m = measureKpi("sku_velocity", DIRECT, arrivals, undefined, 15, t("10:45"));
    assert.strictEqual(m.minutes, 30);
    assert.strictEqual(m.status, "over");
    assert.strictEqual(measureKpi("sku_velocity", DIRECT, [], undefined, 15, t("10:45")).status, "unmeasured");
  });
});

describe("freshness handler: canary rounds, SPICE ingestions and bridge coverage", () => {
  const quicksight = mockClient(QuickSightClient);
  beforeEach(() => quicksight.reset());

  const settings = {
    tables: {},
    kpis: {},
    intervalMinutes: 5,
    canary: {
      sql: "SELECT product, event_id, sent_at, silver_at FROM retail_silver.canary_arrivals WHERE sent_at >= TIMESTAMP '{{since}}'",
      intervalMinutes: 15,
      kpis: { cart_abandonment: SPICE, sku_velocity: DIRECT },
    },
    bridgeCoverage: { sql: "SELECT product FROM coverage WHERE event_ts >= TIMESTAMP '{{since}}'", windowMinutes: 60 },
  };
  const runner = () =>
    fakeRunner([
      [
        /canary_arrivals/,
        [
          { product: "cart_events", event_id: "canary-cart_events-1", sent_at: "2026-07-01 10:00:00.000", silver_at: "2026-07-01 10:07:00.000" },
          {
            product: "pos_transactions",
            event_id: "canary-pos_transactions-1",
            sent_at: "2026-07-01 10:00:00.000",
            silver_at: "2026-07-01 10:08:00.000",
          },
        ],
      ],
      [
        /coverage/,
        [
          { product: "cart_events", purchases: "200", resolved: "190" },
          { product: "pos_transactions", purchases: "100", resolved: "62" },
        ],
      ],
    ]);

  it("lists the SPICE data set's ingestions and publishes measured minutes per KPI and coverage per product", async () => {
    quicksight.on(ListIngestionsCommand).resolves({
      Ingestions: [
        { Arn: "a2", IngestionStatus: "COMPLETED", CreatedTime: t("10:15"), IngestionTimeInSeconds: 180 },
        { Arn: "a1", IngestionStatus: "COMPLETED", CreatedTime: t("10:05"), IngestionTimeInSeconds: 60 },
      ],
    });
    const alerts = new RecordingAlerts();
    const report = await runFreshness(settings, {
      runner: runner(),
      alerts,
      now: () => t("10:20"),
      ingestions: listIngestions(new QuickSightClient({}), "123456789012"),
    });
    const call = quicksight.commandCalls(ListIngestionsCommand)[0].args[0].input;
    assert.deepStrictEqual([call.AwsAccountId, call.DataSetId], ["123456789012", "retail-prod-gold-cart-abandonment"]);
    assert.strictEqual(alerts.metric("MeasuredFreshnessMinutes", ["Kpi", "cart_abandonment"]), 18);
    assert.strictEqual(alerts.metric("MeasuredFreshnessMinutes", ["Kpi", "sku_velocity"]), 8);
    assert.strictEqual(alerts.metric("BridgeCoverage", ["Product", "cart_events"]), 0.95);
    assert.strictEqual(alerts.metric("BridgeCoverage", ["Product", "pos_transactions"]), 0.62);
    assert.strictEqual(report.measured?.length, 2);
  });

  it("refuses an arrival row without its times instead of measuring from nothing", async () => {
    const alerts = new RecordingAlerts();
    const bad = fakeRunner([
      [/canary_arrivals/, [{ product: "cart_events", event_id: "canary-cart_events-1", sent_at: null, silver_at: "2026-07-01 10:07:00" }]],
      [/coverage/, []],
    ]);
    await assert.rejects(
      runFreshness({ ...settings, canary: { ...settings.canary, kpis: { sku_velocity: DIRECT } } }, { runner: bad, alerts, now: () => t("10:20") }),
      /canary_arrivals \(canary arrival .* lacks product, sent_at or silver_at\)/,
    );
    assert.strictEqual(alerts.metric("MeasuredFreshnessMinutes"), undefined);
  });

  it("fails the run naming the data set when QuickSight cannot be read, after publishing what it measured", async () => {
    quicksight.on(ListIngestionsCommand).rejects(new Error("AccessDeniedException"));
    const alerts = new RecordingAlerts();
    await assert.rejects(
      runFreshness(settings, {
        runner: runner(),
        alerts,
        now: () => t("10:20"),
        ingestions: listIngestions(new QuickSightClient({}), "123456789012"),
      }),
      /ingestions of data set retail-prod-gold-cart-abandonment \(AccessDeniedException\)/,
    );
    assert.strictEqual(alerts.metric("MeasuredFreshnessMinutes", ["Kpi", "cart_abandonment"]), undefined);
    assert.strictEqual(alerts.metric("MeasuredFreshnessMinutes", ["Kpi", "sku_velocity"]), 8);
  });
});
