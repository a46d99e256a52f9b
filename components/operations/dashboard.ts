import * as pulumi from "@pulumi/pulumi";
import * as aws from "../aws";
import { MERGE_MAX_EVENT_AGE_SECONDS, MERGE_TIMEOUT_SECONDS } from "../../core/limits";
import { ATHENA_BILLED_QUERY_STATES, AWS_METRICS, MetricRef, OPERATIONS_METRICS } from "../../core/metrics";
import { sortedKeys } from "../../core/sortedKeys";
import { bridgeUse } from "../../core/sql/access";
import { FRESHNESS_INTERVAL_MINUTES, mergeTargets, OperationsPlan } from "./plan";

/** Everything the operations dashboard shows, as resolved names and numbers. */
export interface OperationsDashboardFacts {
  readonly region: string;
  /** Per KPI its freshness budget (the staleness alarm's threshold). */
  readonly kpis: Readonly<Record<string, { readonly budgetMinutes: number }>>;
  /** KPIs the canary measures end to end (MeasuredFreshnessMinutes); empty while the canary is off. */
  readonly measuredKpis: readonly string[];
  /** The "before" figure: hours the dashboards lagged before this platform (retail:baselineRefreshHours). */
  readonly baselineRefreshHours: number;
  /** Stream products whose bridge coverage the freshness function publishes, and the alarm's floor. */
  readonly bridgeCoverageProducts: readonly string[];
  readonly bridgeCoverageMin: number;
  readonly mergeFunction: string;
  readonly failureQueue: string;
  /** Per merged product: the silver tables its RowsMerged counts, and whether its runs write the bridge first. */
  readonly merges: readonly {
    readonly product: string;
    readonly tables: readonly string[];
    /** The table that takes the product's accepted rows: the quarantine rate's denominator, as its alarm reads it. */
    readonly silverTable: string;
    readonly refreshesBridge: boolean;
  }[];
  readonly bridgeTable: string;
  /** Silver tables the re-resolution updates (RowsReresolved's Table values); none when the stack has no re-resolution. */
  readonly reresolvedTables?: readonly string[];
  /** Products whose hourly identity run publishes RowsReresolved (those with sql/unresolved/<product>.sql). */
  readonly reresolvingProducts?: readonly string[];
  /** The bridge's name in the freshness handler's TableStalenessMinutes, when it measures the bridge. */
  readonly bridgeFreshnessTable?: string;
  readonly reconciledTables: readonly string[];
  readonly reconcileTolerance: number;
  /** Athena workgroups by label (platform, operations, owner teams). */
  readonly workgroups: Readonly<Record<string, string>>;
  readonly dailyScanBudgetBytes: number;
  readonly streams: readonly {
    readonly product: string;
    readonly streamName: string;
    readonly firehoseName: string;
    readonly freshnessMinutes: number;
  }[];
}

/** The merge facts from the Operations plan: RowsMerged's Table values are exactly the statements' targets. */
export function dashboardMerges(
  plan: Pick<OperationsPlan, "merges" | "bridgeSql" | "freshness" | "reresolve">,
): Pick<OperationsDashboardFacts, "merges" | "bridgeTable" | "bridgeFreshnessTable" | "reresolvedTables" | "reresolvingProducts"> {
  const [bridgeTable] = mergeTargets(plan.bridgeSql);
  return {
    merges: plan.merges.map((m) => ({
      product: m.product,
      tables: mergeTargets(m.sql),
      silverTable: m.silverTable,
      refreshesBridge: bridgeUse(m.product, m.sql, plan.bridgeSql),
    })),
    bridgeTable,
    bridgeFreshnessTable: Object.keys(plan.freshness).find((t) => `retail_silver.${t}` === bridgeTable),
    reresolvedTables: plan.reresolve ? mergeTargets(plan.reresolve.apply.join(";\n")) : [],
    reresolvingProducts: Object.keys(plan.reresolve?.record ?? {}).sort(),
  };
}

type MetricLine = (string | Record<string, unknown>)[];
interface Widget {
  readonly type: "metric" | "text";
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, unknown>;
}

/** A metric line: namespace, name, then each dimension name (from the catalog) with its value, then options. */
export function metricLine(ref: MetricRef, values: readonly string[], options: Record<string, unknown> = {}): MetricLine {
  if (values.length !== ref.dimensions.length)
    throw new Error(`${ref.metricName} takes ${ref.dimensions.length} dimension value(s) (${ref.dimensions.join(", ")}), got ${values.length}.`);
  return [ref.namespace, ref.metricName, ...ref.dimensions.flatMap((d, i) => [d, values[i]]), options];
}

/** Every series of a metric, whatever its dimension values (a backfill's Run is named only when it starts). */
function searchLine(ref: MetricRef, stat: string, period: number, label: string, id: string): MetricLine {
  const schema = [ref.namespace, ...ref.dimensions].join(",");
  return [{ expression: `SEARCH('{${schema}} MetricName="${ref.metricName}"', '${stat}', ${period})`, label, id }];
}

const text = (markdown: string): Widget => ({ type: "text", width: 24, height: 1, properties: { markdown } });
const graph = (width: number, title: string, region: string, metrics: MetricLine[], extra: Record<string, unknown> = {}): Widget => ({
  type: "metric",
  width,
  height: 6,
  properties: { title, region, metrics, view: "timeSeries", stacked: false, ...extra },
});
const budget = (label: string, value: number) => ({ horizontal: [{ label, value }] });
const sortedEntries = <T>(r: Readonly<Record<string, T>>) => Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1));

/**
 * The operations dashboard body: KPI freshness against budget, the merge's run time and queue, quarantine rate per
 * product, reconciliation drift, bridge links, Athena bytes per workgroup, Firehose Iceberg delivery and Kinesis
 * reads and throttles. Every metric comes from core/metrics (the names the handlers publish and the alarms watch);
 * lists are sorted and keys canonical, so the same facts give byte-identical JSON.
 */
export function operationsDashboardBody(f: OperationsDashboardFacts): { widgets: Record<string, unknown>[] } {
  const M = OPERATIONS_METRICS;
  const A = AWS_METRICS;
  const r = f.region;
  const merges = [...f.merges].sort((a, b) => (a.product < b.product ? -1 : 1));
  const streams = [...f.streams].sort((a, b) => (a.product < b.product ? -1 : 1));
  const widgets: Widget[] = [
    text(
      `## KPI freshness against budget: measured by the canary (send to dashboard) and staleness (minutes since the newest input event). ` +
        `Before this platform: ${f.baselineRefreshHours} h (${f.baselineRefreshHours * 60} min)`,
    ),
    ...sortedEntries(f.kpis).map(([kpi, k]) =>
      graph(
        8,
        `${kpi} (before: ${f.baselineRefreshHours} h)`,
        r,
        [
          ...(f.measuredKpis.includes(kpi)
            ? [
                metricLine(M.measuredFreshnessMinutes, [kpi], {
                  stat: "Maximum",
                  period: FRESHNESS_INTERVAL_MINUTES * 60,
                  label: "measured (canary)",
                }),
              ]
            : []),
          metricLine(M.stalenessMinutes, [kpi], { stat: "Maximum", period: FRESHNESS_INTERVAL_MINUTES * 60, label: "staleness" }),
        ],
        { annotations: budget(`budget ${k.budgetMinutes} min`, k.budgetMinutes) },
      ),
    ),
    text("## Silver MERGE: run time and queue (one slot: reserved concurrency 1)"),
    graph(
      12,
      "merge run time (ms)",
      r,
      [
        metricLine(A.lambdaDuration, [f.mergeFunction], { stat: "Maximum", label: "max" }),
        metricLine(A.lambdaDuration, [f.mergeFunction], { stat: "Average", label: "average" }),
      ],
      { period: 300, annotations: budget("timeout", MERGE_TIMEOUT_SECONDS * 1000) },
    ),
    graph(
      12,
      "merge queue: wait for the slot (ms) and failed runs",
      r,
      [
        metricLine(A.lambdaAsyncEventAge, [f.mergeFunction], { stat: "Maximum", label: "oldest waiting event" }),
        metricLine(A.queueVisibleMessages, [f.failureQueue], { stat: "Maximum", label: "failed runs", yAxis: "right" }),
      ],
      { period: 300, annotations: budget("fails into the queue", MERGE_MAX_EVENT_AGE_SECONDS * 1000) },
    ),
    text("## Backfill: windows merged and still to merge, per run (an operator's; it takes turns with the schedule on the slot above)"),
    graph(
      24,
      "backfill windows per run",
      r,
      [
        searchLine(M.backfillWindowsRemaining, "Maximum", 300, "remaining", "remaining"),
        searchLine(M.backfillWindowsDone, "Maximum", 300, "done", "done"),
        searchLine(M.backfillSwitchBackReady, "Maximum", 300, "switch-back ready (1)", "ready"),
      ],
      { period: 300 },
    ),
    text("## Quarantine rate per product (% of merged rows refused)"),
    graph(
      24,
      "quarantine rate (%)",
      r,
      merges.flatMap((m, i) => {
        const q = `q${i}`;
        const merged = `m${i}`;
        return [
          [{ expression: `100 * FILL(${q}, 0) / (FILL(${q}, 0) + FILL(${merged}, 0))`, label: m.product, id: `rate${i}` }],
          metricLine(M.rowsQuarantined, [m.product], { id: q, visible: false }),
          metricLine(M.rowsMerged, [m.product, m.silverTable], { id: merged, visible: false }),
        ];
      }),
      { period: 3600, stat: "Sum" },
    ),
    text("## Reconciliation drift and identity bridge"),
    graph(
      12,
      "drift ratio (source vs silver)",
      r,
      [...f.reconciledTables].sort().map((t) => metricLine(M.driftRatio, [t], { stat: "Maximum" })),
      { period: 3600, annotations: budget("tolerance", f.reconcileTolerance) },
    ),
    graph(
      12,
      "bridge coverage: share of the last hour's purchases with a resolved loyalty_id",
      r,
      [...f.bridgeCoverageProducts].sort().map((p) => metricLine(M.bridgeCoverage, [p], { stat: "Minimum", label: p })),
      { period: 3600, annotations: budget("alarm floor", f.bridgeCoverageMin), yAxis: { left: { min: 0, max: 1 } } },
    ),
    graph(
      12,
      `identity bridge: links written to ${f.bridgeTable} per product`,
      r,
      [
        ...merges
          .filter((m) => m.refreshesBridge)
          .map((m) => metricLine(M.rowsMerged, [m.product, f.bridgeTable], { stat: "Sum", label: m.product })),
        ...(f.bridgeFreshnessTable
          ? [metricLine(M.tableStalenessMinutes, [f.bridgeFreshnessTable], { stat: "Maximum", label: "newest link (min ago)", yAxis: "right" })]
          : []),
      ],
      { period: 3600 },
    ),
    ...((f.reresolvedTables ?? []).length === 0
      ? []
      : [
          graph(
            12,
            "re-resolution: silver rows given a loyalty_id in each product's hourly identity run",
            r,
            (f.reresolvingProducts ?? []).flatMap((p) =>
              [...f.reresolvedTables!].sort().map((t) => metricLine(M.rowsReresolved, [p, t], { stat: "Sum", label: `${p} → ${t}` })),
            ),
            { period: 3600 },
          ),
        ]),
    text("## Athena bytes scanned per workgroup (per day)"),
    graph(
      24,
      "bytes scanned per day",
      r,
      sortedEntries(f.workgroups).flatMap(([label, wg], i) => [
        [{ expression: ATHENA_BILLED_QUERY_STATES.map((_, j) => `FILL(w${i}_${j}, 0)`).join(" + "), label, id: `scan${i}` }],
        ...ATHENA_BILLED_QUERY_STATES.map((state, j) => metricLine(A.athenaProcessedBytes, [wg, state, "DML"], { id: `w${i}_${j}`, visible: false })),
      ]),
      { period: 86400, stat: "Sum", annotations: budget("daily budget", f.dailyScanBudgetBytes) },
    ),
    text("## Streams: Firehose delivery to Iceberg, Kinesis reads and throttles"),
    ...streams.flatMap((s) => [
      graph(
        12,
        `${s.product}: Iceberg delivery freshness (s) and failed rows`,
        r,
        [
          metricLine(A.firehoseIcebergFreshness, [s.firehoseName], { stat: "Maximum", period: 60, label: "oldest undelivered (s)" }),
          metricLine(A.firehoseIcebergFailedRows, [s.firehoseName], { stat: "Sum", period: 300, label: "failed rows", yAxis: "right" }),
        ],
        { annotations: budget(`freshness need ${s.freshnessMinutes} min`, s.freshnessMinutes * 60) },
      ),
      graph(12, `${s.product}: Kinesis iterator age (ms) and write throttles`, r, [
        metricLine(A.kinesisIteratorAge, [s.streamName], { stat: "Maximum", period: 60, label: "iterator age (ms)" }),
        metricLine(A.kinesisWriteThrottled, [s.streamName], { stat: "Sum", period: 60, label: "throttled writes", yAxis: "right" }),
      ]),
    ]),
  ];
  // Left to right on CloudWatch's 24-column grid, wrapping: positions follow from the list alone.
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  const placed = widgets.map((w) => {
    if (x + w.width > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const at = { ...w, x, y };
    x += w.width;
    rowHeight = Math.max(rowHeight, w.height);
    return at;
  });
  return sortedKeys({ widgets: placed });
}

/** Facts whose names may still be outputs (function, queue, stream and workgroup names). */
export type DeepInput<T> = T extends string | number | boolean
  ? pulumi.Input<T>
  : T extends readonly (infer E)[]
    ? readonly DeepInput<E>[]
    : { readonly [K in keyof T]: DeepInput<T[K]> };

/** The CloudWatch operations dashboard, named as given (`<prefix>-operations`); dashboards take no tags. */
export function operationsDashboard(name: string, facts: DeepInput<OperationsDashboardFacts>, parent?: pulumi.Resource): aws.cloudwatch.Dashboard {
  return new aws.cloudwatch.Dashboard(
    name,
    {
      dashboardName: name,
      dashboardBody: pulumi.output(facts).apply((f) => JSON.stringify(operationsDashboardBody(f as unknown as OperationsDashboardFacts))),
    },
    parent ? { parent } : undefined,
  );
}
