import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { operationsDashboardBody, OperationsDashboardFacts } from "../../../components/operations/dashboard";
import { AWS_METRICS, MetricRef, OPERATIONS_METRICS } from "../../../core/metrics";
import { METRIC_NAMESPACE } from "../../../core/runtime";
import { REPO_ROOT } from "../../../core/paths";
import { ProgramRun } from "../../../local/harness";
import { runStack } from "../../support/stacks";

/** namespace|metric|dimension names, sorted: what makes two references the same CloudWatch metric. */
const key = (namespace: string, metricName: string, dims: readonly string[]) => `${namespace}|${metricName}|${[...dims].sort().join(",")}`;

/** Every metric a dashboard body graphs, from its metric lines (expressions name only ids). */
function dashboardMetrics(body: { widgets: any[] }): { where: string; key: string }[] {
  return body.widgets.flatMap((w) =>
    ((w.properties.metrics ?? []) as unknown[][])
      .filter((line) => typeof line[0] === "string")
      .map((line) => {
        const parts = line.filter((p) => typeof p === "string") as string[];
        const [ns, name, ...dims] = parts;
        return {
          where: `${w.properties.title}: ${ns} ${name}`,
          key: key(
            ns,
            name,
            dims.filter((_, i) => i % 2 === 0),
          ),
        };
      }),
  );
}

/** Every metric the plan's alarms watch, plain or inside metric math. */
function alarmMetrics(run: ProgramRun): Set<string> {
  const found = new Set<string>();
  for (const r of run.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm")) {
    if (r.inputs.metricName) found.add(key(r.inputs.namespace, r.inputs.metricName, Object.keys(r.inputs.dimensions ?? {})));
    for (const q of r.inputs.metricQueries ?? [])
      if (q.metric) found.add(key(q.metric.namespace, q.metric.metricName, Object.keys(q.metric.dimensions ?? {})));
  }
  return found;
}

const refKey = (m: MetricRef) => key(m.namespace, m.metricName, m.dimensions);

/**
 * The dashboard's metrics that nothing produces: allowed are what the alarms watch, what the handlers publish
 * (OPERATIONS_METRICS, each used by a handler) and the AWS service metrics core/metrics names from AWS's docs.
 */
function unknownMetrics(body: { widgets: any[] }, run: ProgramRun): string[] {
  const allowed = new Set([...alarmMetrics(run), ...Object.values(OPERATIONS_METRICS).map(refKey), ...Object.values(AWS_METRICS).map(refKey)]);
  return dashboardMetrics(body)
    .filter((m) => !allowed.has(m.key))
    .map((m) => m.where);
}

function bodyOf(run: ProgramRun): { widgets: any[] } {
  const dashboards = run.resources.filter((r) => r.type === "aws:cloudwatch/dashboard:Dashboard");
  assert.equal(dashboards.length, 1, `expected one CloudWatch dashboard, got ${dashboards.map((d) => d.name).join(", ")}`);
  return JSON.parse(dashboards[0].inputs.dashboardBody);
}

describe("operations dashboard (CloudWatch)", () => {
  let prod: ProgramRun;
  before(async () => {
    prod = await runStack("prod");
  });

  it("graphs only metrics the alarms watch, the handlers publish or AWS services emit", () => {
    const body = bodyOf(prod);
    assert.ok(dashboardMetrics(body).length > 50, "expected the dashboard's metrics");
    assert.deepEqual(unknownMetrics(body, prod), []);
    // The catalog's operations metrics are what the handlers publish: each is used by a handler.
    const handlers = fs
      .readdirSync(path.join(REPO_ROOT, "functions"))
      .filter((f) => f.endsWith(".ts"))
      .map((f) => fs.readFileSync(path.join(REPO_ROOT, "functions", f), "utf8"))
      .join("\n");
    for (const [name, ref] of Object.entries(OPERATIONS_METRICS)) {
      assert.equal(ref.namespace, METRIC_NAMESPACE);
      assert.ok(handlers.includes(`OPERATIONS_METRICS.${name}.metricName`), `no handler publishes OPERATIONS_METRICS.${name}`);
    }
  });

  it("rejects a misspelled metric name or dimension (control)", () => {
    const body = bodyOf(prod);
    const bad = {
      widgets: [
        ...body.widgets,
        { properties: { title: "typo", metrics: [["AWS/Kinesis", "GetRecords.IteratorAgeMiliseconds", "StreamName", "s", {}]] } },
        { properties: { title: "dim", metrics: [[METRIC_NAMESPACE, "StalenessMinutes", "KPI", "conversion_rate", {}]] } },
      ],
    };
    assert.deepEqual(unknownMetrics(bad, prod), ["typo: AWS/Kinesis GetRecords.IteratorAgeMiliseconds", "dim: Retail/Operations StalenessMinutes"]);
  });

  it("shows each KPI's staleness against the budget its alarm uses, and every stream's Firehose and Kinesis metrics", () => {
    const body = bodyOf(prod);
    const staleness = prod.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && r.inputs.metricName === "StalenessMinutes");
    assert.ok(staleness.length >= 5);
    for (const alarm of staleness) {
      const kpi = alarm.inputs.dimensions.Kpi;
      const w = body.widgets.find((x) => x.properties.title === `${kpi} (before: 26 h)`);
      assert.ok(w, `no widget for ${kpi} with the before figure`);
      assert.equal(w.properties.annotations.horizontal[0].value, alarm.inputs.threshold);
    }
    // Measured freshness beside the staleness on the same widget, alarmed at the same budget.
    const measured = prod.resources.filter(
      (r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && r.inputs.metricName === OPERATIONS_METRICS.measuredFreshnessMinutes.metricName,
    );
    assert.deepEqual(measured.map((a) => a.inputs.dimensions.Kpi).sort(), [
      "campaign_roas",
      "cart_abandonment",
      "conversion_rate",
      "loyalty_redemption_rate",
      "sku_velocity",
    ]);
    for (const alarm of measured) {
      const kpi = alarm.inputs.dimensions.Kpi;
      const w = body.widgets.find((x) => x.properties.title === `${kpi} (before: 26 h)`);
      assert.ok(JSON.stringify(w.properties.metrics).includes('"MeasuredFreshnessMinutes"'), `${kpi}: no measured line`);
      const stale = staleness.find((a) => a.inputs.dimensions.Kpi === kpi)!;
      assert.equal(alarm.inputs.threshold, stale.inputs.threshold, kpi);
      assert.equal(alarm.inputs.treatMissingData, "breaching");
    }
    assert.ok(body.widgets.some((w) => /Before this platform: 26 h \(1560 min\)/.test(w.properties.markdown ?? "")));
    const coverage = body.widgets.find((w) => /^bridge coverage/.test(w.properties.title ?? ""));
    assert.deepEqual(
      coverage.properties.metrics.map((l: unknown[]) => l[3]),
      ["cart_events", "pos_transactions"],
    );
    const floor = prod.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && r.inputs.metricName === "BridgeCoverage");
    assert.deepEqual(
      floor.map((a) => [a.inputs.dimensions.Product, a.inputs.threshold, a.inputs.comparisonOperator]),
      [
        ["cart_events", 0.95, "LessThanThreshold"],
        ["pos_transactions", 0.95, "LessThanThreshold"],
      ],
    );
    assert.equal(coverage.properties.annotations.horizontal[0].value, 0.95);
    // Every stream, delivery stream and reconciled table an alarm watches is graphed, with the same dimension values.
    const graphed = new Set(
      body.widgets.flatMap((w) =>
        ((w.properties.metrics ?? []) as unknown[][])
          .filter((l) => typeof l[0] === "string")
          .map((l) => l.filter((p) => typeof p === "string").join("|")),
      ),
    );
    const watched = [
      AWS_METRICS.kinesisIteratorAge,
      AWS_METRICS.kinesisWriteThrottled,
      AWS_METRICS.firehoseIcebergFreshness,
      AWS_METRICS.firehoseIcebergFailedRows,
      OPERATIONS_METRICS.driftRatio,
    ];
    const alarms = prod.resources.filter(
      (r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && watched.some((m) => m.metricName === r.inputs.metricName),
    );
    assert.ok(alarms.length >= 2 * 4 + 5, `expected the lanes' and drift alarms, got ${alarms.length}`);
    for (const a of alarms) {
      const line = [a.inputs.namespace, a.inputs.metricName, ...Object.entries(a.inputs.dimensions as Record<string, string>).flat()].join("|");
      assert.ok(graphed.has(line), `${a.name} watches ${line}, which the dashboard does not graph`);
    }
    const lines = JSON.stringify(body);
    for (const m of ["AsyncEventAge", "Duration", "ProcessedBytes", "RowsQuarantined", "RowsMerged"])
      assert.ok(lines.includes(`"${m}"`), `no ${m} on the dashboard`);
  });

  it("graphs RowsReresolved per recording product and each table the re-resolution updates, as the merge publishes it", () => {
    const w = bodyOf(prod).widgets.find((x) => /^re-resolution/.test(x.properties.title ?? ""));
    assert.ok(w, "no re-resolution widget");
    assert.deepEqual(
      w.properties.metrics.map((l: unknown[]) => l.slice(0, 6).join("|")),
      ["cart_events", "pos_transactions"].flatMap((p) =>
        ["cart_events", "order_events"].map((t) => `${METRIC_NAMESPACE}|RowsReresolved|Product|${p}|Table|retail_silver.${t}`),
      ),
    );
  });

  it("graphs every backfill run's windows done and remaining, by the names and the Run dimension the handler publishes", () => {
    const w = bodyOf(prod).widgets.find((x) => x.properties.title === "backfill windows per run");
    const expressions = (w.properties.metrics as { expression: string }[][]).map((l) => l[0].expression);
    const search = (m: MetricRef) => `SEARCH('{${m.namespace},${m.dimensions.join(",")}} MetricName="${m.metricName}"', 'Maximum', 300)`;
    assert.deepEqual(expressions, [
      search(OPERATIONS_METRICS.backfillWindowsRemaining),
      search(OPERATIONS_METRICS.backfillWindowsDone),
      search(OPERATIONS_METRICS.backfillSwitchBackReady),
    ]);
    assert.deepEqual(OPERATIONS_METRICS.backfillWindowsDone.dimensions, ["Run"]);
  });

  it("is byte-identical for the same facts in any order, keys sorted, every expression's ids defined", () => {
    const facts: OperationsDashboardFacts = {
      region: "us-east-1",
      kpis: { b: { budgetMinutes: 30 }, a: { budgetMinutes: 22 } },
      measuredKpis: ["a"],
      baselineRefreshHours: 26,
      bridgeCoverageProducts: ["pos", "cart"],
      bridgeCoverageMin: 0.8,
      mergeFunction: "merge",
      failureQueue: "failures",
      merges: [
        { product: "pos", tables: ["retail_silver.order_events"], silverTable: "retail_silver.order_events", refreshesBridge: true },
        {
          product: "cart",
          tables: ["retail_silver.cart_events", "retail_silver.order_events"],
          silverTable: "retail_silver.cart_events",
          refreshesBridge: true,
        },
      ],
      bridgeTable: "retail_silver.identity_bridge",
      reconciledTables: ["t2", "t1"],
      reconcileTolerance: 0.001,
      workgroups: { z: "wg-z", a: "wg-a" },
      dailyScanBudgetBytes: 1e11,
      streams: [
        { product: "s2", streamName: "k2", firehoseName: "f2", freshnessMinutes: 5 },
        { product: "s1", streamName: "k1", firehoseName: "f1", freshnessMinutes: 5 },
      ],
    };
    const once = JSON.stringify(operationsDashboardBody(facts));
    const reordered: OperationsDashboardFacts = {
      ...facts,
      kpis: { a: facts.kpis.a, b: facts.kpis.b },
      merges: [...facts.merges].reverse(),
      reconciledTables: [...facts.reconciledTables].reverse(),
      workgroups: { a: "wg-a", z: "wg-z" },
      streams: [...facts.streams].reverse(),
      bridgeCoverageProducts: ["cart", "pos"],
    };
    assert.equal(JSON.stringify(operationsDashboardBody(reordered)), once);
    const unsorted: string[] = [];
    JSON.parse(once, (_key, v) => {
      if (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).join() !== Object.keys(v).sort().join())
        unsorted.push(Object.keys(v).join());
      return v;
    });
    assert.deepEqual(unsorted, []);
    for (const w of JSON.parse(once).widgets) {
      const lines = (w.properties.metrics ?? []) as any[][];
      const ids = new Set(lines.map((l) => l[l.length - 1]?.id).filter(Boolean));
      for (const l of lines)
        for (const ref of String(l[0]?.expression ?? "").match(/\b[a-z]+\d+(_\d+)?\b/g) ?? [])
          assert.ok(ids.has(ref), `${w.properties.title}: ${ref} undefined`);
    }
  });
});
