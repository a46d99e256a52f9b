/**
 * Facts AWS does not model travel as tags under `retail:`, so the policy pack can check any team's program,
 * not only ours. Components write them; policies read them; nothing else spells these keys.
 */
export const TAG = {
  environment: "retail:environment",
  dataProduct: "retail:data-product",
  lane: "retail:lane",
  semantics: "retail:semantics",
  peakRecordsPerSecond: "retail:peak-records-per-second",
  avgRecordBytes: "retail:avg-record-bytes",
  expectedRows: "retail:expected-rows",
  stewardApproved: "retail:steward-approved",
  kpi: "retail:kpi",
  eventTimeColumn: "retail:event-time-column",
  table: "retail:table",
  component: "retail:component",
  /** The data products a KPI dataset's view reads (see formatProducts). */
  sourceProducts: "retail:source-products",
  /** The silver tables a resource reconciles against their source (see formatReconciles). */
  reconciles: "retail:reconciles",
} as const;

/** Tag values must be strings; this keeps numbers and booleans spelled one way. */
export function tagValue(v: string | number | boolean): string {
  return String(v);
}

/**
 * The `retail:reconciles` value: fully qualified silver tables, space-separated because AWS tag values may not
 * contain commas. Operations writes it on its reconcile function; the policy pack reads it back.
 */
export function formatReconciles(tables: readonly string[]): string {
  return tables.map((t) => `retail_silver.${t}`).join(" ");
}

/** A `retail:source-products` value: product names, space-separated (AWS tag values may not contain commas or semicolons). */
export function formatProducts(products: readonly string[]): string {
  return products.join(" ");
}

/** Reads a `retail:source-products` value back; tolerates commas and semicolons (the catalog's separator) too. */
export function parseProducts(value: string): string[] {
  return value.split(/[\s,;]+/).filter((p) => p.length > 0);
}

/** Tolerates commas too, so a hand-written tag on another team's resource still reads. */
export function parseReconciles(value: string): string[] {
  return value.split(/[\s,]+/).filter((t) => t.length > 0);
}
