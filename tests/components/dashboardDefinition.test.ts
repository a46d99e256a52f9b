import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { executiveDashboardDefinition, kpiValueExpression } from "../../components/gold/dashboardDefinition";
import { KPI_CATALOG_FILE, KpiCatalogError, KpiDefinition, loadKpiCatalog } from "../../core/kpiCatalog";
import { kpiVisualSpec, kpiVisualSpecs } from "../../core/kpiVisuals";
import { viewColumns } from "../../core/sql/viewColumns";
import { KPI_VISUALS } from "../../local/dashboard/data";
import { CfnSpec } from "../spec/cfnSpec";
import { goldSqlFixture, writeTemp } from "../support/config";
import { runStack } from "../support/stacks";
import { ProgramRun } from "../../local/harness";
import { AUTHOR_DASHBOARD_ACTIONS, VIEWER_DASHBOARD_ACTIONS } from "../../components/gold/executiveDashboard";

const arnsOf = (kpis: readonly { kpi: string }[]) =>
  Object.fromEntries(kpis.map((k) => [k.kpi, `arn:aws:quicksight:us-east-1:123456789012:dataset/retail-prod-gold-${k.kpi}`]));

/** Every visual, with the sheet it sits on. */
function visualsOf(def: ReturnType<typeof executiveDashboardDefinition>): { sheet: string; kind: string; visual: any }[] {
  return (def.sheets as any[]).flatMap((s) =>
    (s.visuals as any[]).map((v) => {
      const [kind] = Object.keys(v);
      return { sheet: s.name, kind, visual: v[kind] };
    }),
  );
}

/** Every object's keys are in code-point order, all the way down. */
function keysSorted(v: unknown, where = "definition"): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => keysSorted(x, `${where}[${i}]`));
  if (v === null || typeof v !== "object") return [];
  const keys = Object.keys(v);
  const own = keys.join() === [...keys].sort().join() ? [] : [`${where}: ${keys.join(",")}`];
  return [...own, ...keys.flatMap((k) => keysSorted((v as Record<string, unknown>)[k], `${where}.${k}`))];
}

describe("executive dashboard definition (from the KPI catalog)", () => {
  const kpis = loadKpiCatalog();
  const specs = kpis.map(kpiVisualSpec);

  it("reads each KPI's value and breakdown from its gold view, as the offline report aggregates them", () => {
    assert.deepEqual(
      specs.map((s) => ({ kpi: s.kpi, numerator: s.numerator, denominator: s.denominator, breakdown: s.breakdown[0], unit: s.unit })),
      [
        { kpi: "conversion_rate", numerator: "converted_sessions", denominator: "sessions", breakdown: "region", unit: "share" },
        { kpi: "cart_abandonment", numerator: "abandoned_carts", denominator: "carts", breakdown: "region", unit: "share" },
        { kpi: "sku_velocity", numerator: "order_lines", denominator: undefined, breakdown: "channel", unit: "count" },
        { kpi: "loyalty_redemption_rate", numerator: "redeemed_lines", denominator: "loyalty_order_lines", breakdown: "channel", unit: "share" },
        { kpi: "inventory_fill_rate", numerator: "units_shipped", denominator: "units_ordered", breakdown: "region", unit: "share" },
        { kpi: "campaign_roas", numerator: "attributed_revenue", denominator: "spend", breakdown: "channel", unit: "share" },
      ],
    );
    // The offline report aggregates the same way.
    assert.deepEqual(
      KPI_VISUALS.map((v) => v.kpi),
      specs.map((s) => s.kpi),
    );
    const sku = specs.find((s) => s.kpi === "sku_velocity")!;
    assert.deepEqual([sku.breakdown, sku.lacks], [["channel"], ["region"]]);
    assert.equal(kpiValueExpression(specs.find((s) => s.kpi === "conversion_rate")!), "sum({converted_sessions}) / sum({sessions})");
  });

  it("has a sheet per owner team and, per KPI, a headline, a daily trend and a breakdown on its dataset", () => {
    const def = executiveDashboardDefinition(specs, arnsOf(kpis));
    assert.deepEqual(
      (def.sheets as any[]).map((s) => s.name),
      ["E-commerce", "Inventory", "Marketing", "Merchandising", "Supply chain"],
    );
    const visuals = visualsOf(def);
    for (const k of kpis) {
      const mine = visuals.filter((v) => v.visual.visualId.startsWith(k.kpi.replace(/_/g, "-") + "-"));
      assert.deepEqual(
        mine.map((v) => [v.sheet, v.kind]),
        [
          [k.ownerTeam, "kpiVisual"],
          [k.ownerTeam, "lineChartVisual"],
          [k.ownerTeam, "barChartVisual"],
        ],
      );
      const trend = mine[1].visual.chartConfiguration.fieldWells.lineChartAggregatedFieldWells;
      assert.deepEqual(trend.category[0].dateDimensionField.column, { columnName: "day", dataSetIdentifier: k.kpi });
      assert.equal(trend.values[0].numericalMeasureField.column.columnName, `${k.kpi}_value`);
    }
    const sku = visuals.find((v) => v.visual.visualId === "sku-velocity-breakdown")!.visual;
    assert.equal(sku.chartConfiguration.fieldWells.barChartAggregatedFieldWells.category[0].categoricalDimensionField.column.columnName, "channel");
    assert.match(sku.subtitle.formatText.plainText, /the view has no region column/);
    assert.deepEqual(
      (def.dataSetIdentifierDeclarations as any[]).map((d) => [d.identifier, d.dataSetArn]),
      Object.entries(arnsOf(kpis)).sort(),
    );
  });

  it("is byte-identical for the same catalog, whatever the row order, with keys sorted at every level", () => {
    const once = JSON.stringify(executiveDashboardDefinition(specs, arnsOf(kpis)));
    assert.equal(JSON.stringify(executiveDashboardDefinition(kpis.map(kpiVisualSpec), arnsOf(kpis))), once);
    assert.equal(JSON.stringify(executiveDashboardDefinition([...specs].reverse(), arnsOf(kpis))), once);
    assert.deepEqual(keysSorted(JSON.parse(once)), []);
  });

  it("adds a synthetic catalog row's visuals without code, breaking down by region and channel when the view has both", () => {
    const views = kpis.map((k) => k.view);
    const basket =
      "CREATE OR REPLACE VIEW retail_gold.basket_size AS\nSELECT\n  CAST(event_ts AS date) AS day,\n  region,\n  channel,\n  count(*) AS orders,\n  sum(units) AS units,\n  CAST(sum(units) AS double) / count(*) AS basket_size\nFROM retail_silver.order_events\nGROUP BY 1, 2, 3;\n";
    const dir = goldSqlFixture([]);
    for (const mode of ["omnichannel", "store-only"]) {
      for (const v of views) fs.copyFileSync(path.join(__dirname, "..", "..", "sql", "gold", mode, `${v}.sql`), path.join(dir, mode, `${v}.sql`));
      fs.writeFileSync(path.join(dir, mode, "basket_size.sql"), basket);
    }
    const row = `basket_size,Units per order per day by region and channel,retail_gold.basket_size,SPICE,true,daily,Merchandising,false,4000,day,pos_transactions,2880,7`;
    const file = writeTemp("catalog.csv", fs.readFileSync(KPI_CATALOG_FILE, "utf8").trimEnd() + "\n" + row + "\n");
    const withRow = loadKpiCatalog({ file, goldSqlDir: dir });
    const def = executiveDashboardDefinition(withRow.map(kpiVisualSpec), arnsOf(withRow));
    const added = visualsOf(def).filter((v) => v.visual.visualId.startsWith("basket-size-"));
    assert.deepEqual(
      added.map((v) => [v.sheet, v.kind]),
      [
        ["Merchandising", "kpiVisual"],
        ["Merchandising", "lineChartVisual"],
        ["Merchandising", "barChartVisual"],
      ],
    );
    const wells = added[2].visual.chartConfiguration.fieldWells.barChartAggregatedFieldWells;
    assert.deepEqual(
      [wells.category[0].categoricalDimensionField.column.columnName, wells.colors[0].categoricalDimensionField.column.columnName],
      ["region", "channel"],
    );
    assert.ok((def.calculatedFields as any[]).some((c) => c.name === "basket_size_value" && c.expression === "sum({units}) / sum({orders})"));
    // The five catalog KPIs' visuals are untouched by the new row.
    const before = visualsOf(executiveDashboardDefinition(specs, arnsOf(kpis)));
    assert.deepEqual(
      visualsOf(def).filter((v) => !v.visual.visualId.startsWith("basket-size-")),
      before,
    );
  });

  it("passes CloudFormation's AWS::QuickSight::Dashboard specification, ids within QuickSight's [\\w-]{1,512}", () => {
    const def = executiveDashboardDefinition(specs, arnsOf(kpis));
    const inputs = { awsAccountId: "123456789012", dashboardId: "retail-prod-gold-executive", name: "Retail executive KPIs (prod)", definition: def };
    assert.deepEqual(new CfnSpec().problems({ type: "aws-native:quicksight:Dashboard", name: "exec", inputs }), []);
    const ids: string[] = [];
    const walk = (v: unknown, key: string) => {
      if (typeof v === "string" && /^(visualId|sheetId|fieldId|elementId)$/.test(key)) ids.push(v);
      else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
      else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, k);
    };
    walk(def, "");
    assert.ok(ids.length > 15 * 3, `expected visual, field and layout ids, got ${ids.length}`);
    assert.deepEqual(
      ids.filter((id) => !/^[\w-]{1,512}$/.test(id)),
      [],
    );
    const fieldIds = ids.filter((id) => /-(value|day|region|channel)$/.test(id));
    assert.equal(new Set(fieldIds).size, fieldIds.length, "field ids are unique across the dashboard");
  });

  it("refuses a view without region or channel, and views whose variants select different columns, naming the KPI and fix", () => {
    const conversion = kpis.find((k) => k.kpi === "conversion_rate")!;
    const noBreakdown: KpiDefinition = {
      ...conversion,
      viewSql: {
        omnichannel: conversion.viewSql.omnichannel.replace(/\bs\.region,/, ""),
        "store-only": conversion.viewSql["store-only"].replace(/^\s*region,$/m, ""),
      },
    };
    const differ: KpiDefinition = {
      ...conversion,
      viewSql: { ...conversion.viewSql, "store-only": conversion.viewSql["store-only"].replace("AS sessions", "AS visits") },
    };
    // One catalog error lists every row the dashboards cannot chart, as the plan prints it (exit 2).
    assert.throws(
      () => kpiVisualSpecs([noBreakdown, differ]),
      (e: Error) => {
        assert.ok(e instanceof KpiCatalogError);
        assert.equal(e.problems.length, 2);
        assert.equal(
          e.problems[0],
          'core/catalog/retail-kpi-catalog.csv:2: KPI "conversion_rate" (retail_gold.conversion_rate): the view selects neither region nor channel. Fix: select region or channel for the breakdown.',
        );
        assert.match(e.problems[1], /its views select different columns \(omnichannel: day,region,sessions,.*; store-only: day,region,visits,/);
        return true;
      },
    );
    assert.throws(() => executiveDashboardDefinition(specs, { ...arnsOf(kpis), sku_velocity: "" }), {
      message: 'executive dashboard: KPI "sku_velocity" has no dataset ARN. Fix: create its KpiDataset and pass its arn.',
    });
  });
});

describe("view output columns", () => {
  it("names the last top-level SELECT's columns, past WITH clauses, comments and string literals", () => {
    const sql =
      "-- a, b FROM x\nCREATE OR REPLACE VIEW retail_gold.v AS\nWITH t AS (SELECT a, b FROM x)\nSELECT\n  t.day,\n  count_if(t.kind = 'a, b') AS n, -- FROM\n  CAST(sum(x) AS double) / nullif(sum(y), 0) AS r\nFROM t\nGROUP BY 1;\n";
    assert.deepEqual(viewColumns(sql), [
      { name: "day", expression: "t.day" },
      { name: "n", expression: "count_if(t.kind = 'a, b')" },
      { name: "r", expression: "CAST(sum(x) AS double) / nullif(sum(y), 0)" },
    ]);
  });

  it("refuses an unnamed expression and a view without SELECT ... FROM", () => {
    assert.throws(() => viewColumns("CREATE OR REPLACE VIEW retail_gold.v AS SELECT count(*) FROM t"), /view column "count\(\*\)" has no name/);
    assert.throws(() => viewColumns("CREATE OR REPLACE VIEW retail_gold.v AS VALUES 1"), /no top-level SELECT \.\.\. FROM/);
  });
});

describe("executive dashboard in the prod plan", () => {
  let run: ProgramRun;
  before(async () => {
    run = await runStack("prod");
  });

  it("sits under the gold layer, binds every KpiDataset's ARN, lets owner groups view and the author group own it", () => {
    const [dash] = run.resources.filter((r) => r.type === "aws-native:quicksight:Dashboard");
    const component = run.resources.find((r) => r.type === "retail:analytics:ExecutiveDashboard")!;
    const layer = run.resources.find((r) => r.type === "retail:analytics:GoldLayer")!;
    assert.equal(dash.parent, component.urn);
    assert.equal(component.parent, layer.urn);
    const datasets = run.resources.filter((r) => r.type === "aws:quicksight/dataSet:DataSet");
    assert.deepEqual(
      (dash.inputs.definition.dataSetIdentifierDeclarations as any[]).map((d) => d.dataSetArn).sort(),
      datasets.map((d) => `arn:aws:quicksight:us-east-1:123456789012:dataset/${d.inputs.dataSetId}`).sort(),
    );
    const byPrincipal = Object.fromEntries((dash.inputs.permissions as any[]).map((p) => [p.principal.split("/").pop(), p.actions]));
    assert.deepEqual(byPrincipal, {
      "retail-platform-authors": AUTHOR_DASHBOARD_ACTIONS,
      "ecommerce-analysts": VIEWER_DASHBOARD_ACTIONS,
      "inventory-analysts": VIEWER_DASHBOARD_ACTIONS,
      "marketing-analysts": VIEWER_DASHBOARD_ACTIONS,
      "merchandising-analysts": VIEWER_DASHBOARD_ACTIONS,
      "supply-chain-analysts": VIEWER_DASHBOARD_ACTIONS,
    });
    assert.ok(
      VIEWER_DASHBOARD_ACTIONS.every((a) => /:(Describe|List|Query)Dashboard/.test(a)),
      "viewers only read",
    );
    assert.match(dash.inputs.versionDescription, /^KPI catalog definition [0-9a-f]{12}$/);
  });
});
