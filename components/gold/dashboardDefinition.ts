import type * as quicksightNative from "@pulumi/aws-native/types/input";
import { BreakdownColumn, KpiVisualSpec } from "../../core/kpiVisuals";
import { slug, teamSlug } from "../../core/names";
import { sortedKeys } from "../../core/sortedKeys";

type Definition = quicksightNative.quicksight.DashboardVersionDefinitionArgs;
type Visual = quicksightNative.quicksight.DashboardVisualArgs;
type Measure = quicksightNative.quicksight.DashboardMeasureFieldArgs;
type Dimension = quicksightNative.quicksight.DashboardDimensionFieldArgs;
type GridElement = quicksightNative.quicksight.DashboardGridLayoutElementArgs;

/** QuickSight's grid layout is 36 columns wide; each KPI is one row: headline, trend, breakdown. */
const GRID = { headline: 8, trend: 14, breakdown: 14, rowSpan: 8 } as const;

/** The aggregated value a KPI's three visuals show: its calculated field, named after the KPI. */
export function kpiValueField(kpi: string): string {
  return `${kpi}_value`;
}

/** The calculated field's expression: a share sums both sides before dividing, so regions weigh by their volume. */
export function kpiValueExpression(spec: Pick<KpiVisualSpec, "numerator" | "denominator">): string {
  return spec.denominator ? `sum({${spec.numerator}}) / sum({${spec.denominator}})` : `sum({${spec.numerator}})`;
}

const title = (text: string) => ({ visibility: "VISIBLE" as const, formatText: { plainText: text } });

function kpiVisuals(spec: KpiVisualSpec): { visuals: Visual[]; ids: string[] } {
  const id = slug(spec.kpi);
  const column = (columnName: string) => ({ dataSetIdentifier: spec.kpi, columnName });
  const value = (fieldId: string): Measure => ({
    numericalMeasureField: {
      fieldId,
      column: column(kpiValueField(spec.kpi)),
      ...(spec.unit === "share"
        ? {
            formatConfiguration: {
              formatConfiguration: { percentageDisplayFormatConfiguration: { decimalPlacesConfiguration: { decimalPlaces: 1 } } },
            },
          }
        : {}),
    },
  });
  const day = (fieldId: string): Dimension => ({ dateDimensionField: { fieldId, column: column(spec.dateColumn), dateGranularity: "DAY" } });
  const category = (fieldId: string, c: BreakdownColumn): Dimension => ({ categoricalDimensionField: { fieldId, column: column(c) } });
  const [by, colourBy] = spec.breakdown;
  const lacks = spec.lacks.length > 0 ? `; the view has no ${spec.lacks.join(" or ")} column` : "";
  const ids = [`${id}-headline`, `${id}-trend`, `${id}-breakdown`];
  const visuals: Visual[] = [
    {
      kpiVisual: {
        visualId: ids[0],
        title: title(spec.kpi),
        chartConfiguration: { fieldWells: { values: [value(`${ids[0]}-value`)], trendGroups: [day(`${ids[0]}-day`)] } },
      },
    },
    {
      lineChartVisual: {
        visualId: ids[1],
        title: title(`${spec.kpi} per day`),
        chartConfiguration: {
          fieldWells: { lineChartAggregatedFieldWells: { category: [day(`${ids[1]}-day`)], values: [value(`${ids[1]}-value`)] } },
        },
      },
    },
    {
      barChartVisual: {
        visualId: ids[2],
        title: title(`${spec.kpi} by ${spec.breakdown.join(" and ")}`),
        subtitle: lacks ? { visibility: "VISIBLE", formatText: { plainText: `By ${spec.breakdown.join(" and ")}${lacks}` } } : undefined,
        chartConfiguration: {
          fieldWells: {
            barChartAggregatedFieldWells: {
              category: [category(`${ids[2]}-${by}`, by)],
              colors: colourBy ? [category(`${ids[2]}-${colourBy}`, colourBy)] : undefined,
              values: [value(`${ids[2]}-value`)],
            },
          },
        },
      },
    },
  ];
  return { visuals, ids };
}

function gridRow(ids: string[], row: number): GridElement[] {
  const spans = [GRID.headline, GRID.trend, GRID.breakdown];
  return ids.map((elementId, i) => ({
    elementId,
    elementType: "VISUAL",
    columnIndex: spans.slice(0, i).reduce((a, b) => a + b, 0),
    columnSpan: spans[i],
    rowIndex: row * GRID.rowSpan,
    rowSpan: GRID.rowSpan,
  }));
}

export class DashboardDefinitionError extends Error {}

/**
 * The executive dashboard's definition from the KPI catalog: a sheet per owner team (teams in name order), and per
 * KPI (name order) a headline, a daily trend and a breakdown by the region/channel columns its view has, all on one
 * calculated value field. Ids come from team and KPI names, keys are sorted: the same catalog gives byte-identical
 * JSON whatever the row order, so a preview shows no diff until the catalog changes.
 */
export function executiveDashboardDefinition(kpis: readonly KpiVisualSpec[], datasetArns: Readonly<Record<string, string>>): Definition {
  if (kpis.length === 0) throw new DashboardDefinitionError("executive dashboard: no KPIs. Fix: add rows to core/catalog/retail-kpi-catalog.csv.");
  const seen = new Set<string>();
  for (const k of kpis) {
    if (seen.has(k.kpi)) throw new DashboardDefinitionError(`executive dashboard: KPI "${k.kpi}" is listed twice. Fix: one catalog row per KPI.`);
    seen.add(k.kpi);
    if (!datasetArns[k.kpi])
      throw new DashboardDefinitionError(`executive dashboard: KPI "${k.kpi}" has no dataset ARN. Fix: create its KpiDataset and pass its arn.`);
  }
  const byName = [...kpis].sort((a, b) => (a.kpi < b.kpi ? -1 : 1));
  const teams = [...new Set(byName.map((k) => k.ownerTeam))].sort((a, b) => (teamSlug(a) < teamSlug(b) ? -1 : 1));
  const definition: Definition = {
    dataSetIdentifierDeclarations: byName.map((k) => ({ identifier: k.kpi, dataSetArn: datasetArns[k.kpi] })),
    calculatedFields: byName.map((k) => ({ dataSetIdentifier: k.kpi, name: kpiValueField(k.kpi), expression: kpiValueExpression(k) })),
    sheets: teams.map((team) => {
      const rows = byName.filter((k) => k.ownerTeam === team).map(kpiVisuals);
      return {
        sheetId: `team-${teamSlug(team)}`,
        name: team,
        title: `${team} KPIs`,
        visuals: rows.flatMap((r) => r.visuals),
        layouts: [{ configuration: { gridLayout: { elements: rows.flatMap((r, i) => gridRow(r.ids, i)) } } }],
      };
    }),
  };
  return sortedKeys(definition);
}
