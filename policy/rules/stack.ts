import { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { parseReconciles, TAG } from "../../core/tags";
import { policyHeader, settingsFor } from "../config";
import { tagsOf } from "./facts";

/**
 * Checks that hold for this platform's own stacks only. A stack is ours when it contains one of the
 * platform's components (type `retail:analytics:*`), whatever the stack is called; another team's program
 * running this pack is not held to our catalog or our lanes.
 */

export const PLATFORM_TYPE_PREFIX = "retail:analytics:";

function requirePlatform(args: StackValidationArgs): void {
  if (!args.resources.some((r) => r.type.startsWith(PLATFORM_TYPE_PREFIX))) {
    args.notApplicable(`no ${PLATFORM_TYPE_PREFIX}* component: not this platform's stack`);
  }
}

const tag = (r: PolicyResource, key: string): string | undefined => tagsOf(r.props, r.provider)[key];

/** Products that travel on a stream: declared by a StreamingLane's children or by any resource tagged lane=stream. */
function streamingProducts(resources: PolicyResource[]): Map<string, string> {
  const products = new Map<string, string>();
  const lanes = resources.filter((r) => r.type === `${PLATFORM_TYPE_PREFIX}StreamingLane`);
  for (const r of resources) {
    const product = tag(r, TAG.dataProduct);
    if (!product) continue;
    const lane = lanes.find((l) => isDescendant(r, l));
    if (lane || tag(r, TAG.lane) === "stream") products.set(product, lane?.urn ?? r.urn);
  }
  return products;
}

function isDescendant(r: PolicyResource, ancestor: PolicyResource): boolean {
  for (let p = r.parent; p; p = p.parent) if (p.urn === ancestor.urn) return true;
  return false;
}

export const platformStreamingProductsComplete: StackValidationPolicy = {
  ...policyHeader(
    "platform-streaming-products-complete",
    "Every streaming product has its Kinesis stream, Firehose delivery stream and bronze table.",
  ),
  validateStack: (args, report) => {
    requirePlatform(args);
    const lanes = args.resources.filter((r) => r.type === `${PLATFORM_TYPE_PREFIX}StreamingLane`);
    const products = streamingProducts(args.resources);
    for (const lane of lanes) {
      if (![...products.values()].includes(lane.urn)) {
        report(
          `StreamingLane "${lane.name}" has no child tagged ${TAG.dataProduct}, so its product cannot be traced to a stream, Firehose and bronze table. ` +
            `Fix: tag the lane's stream and Firehose with ${TAG.dataProduct} = <product>.`,
          lane.urn,
        );
      }
    }
    for (const [product, urn] of products) {
      const has = (type: string, match: (r: PolicyResource) => boolean) => args.resources.some((r) => r.type === type && match(r));
      const missing = [
        ...(has("aws:kinesis/stream:Stream", (r) => tag(r, TAG.dataProduct) === product) ? [] : ["a Kinesis stream"]),
        ...(has("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", (r) => tag(r, TAG.dataProduct) === product)
          ? []
          : ["a Firehose delivery stream"]),
        ...(has("aws-native:s3tables:Table", (r) => tag(r, TAG.table) === `retail_bronze.${product}`)
          ? []
          : [`the bronze table retail_bronze.${product}`]),
      ];
      if (missing.length > 0) {
        report(
          `Streaming product "${product}" is missing ${missing.join(", ")} (each tagged ${TAG.dataProduct} = "${product}" / ${TAG.table}), so its events do not reach bronze. ` +
            `Fix: add sql/bronze/${product}.sql and build the product with a StreamingLane.`,
          urn,
        );
      }
    }
  },
};

export const platformCatalogKpisHaveDatasets: StackValidationPolicy = {
  ...policyHeader("platform-catalog-kpis-have-datasets", `Every KPI in the KPI catalog has a QuickSight dataset tagged ${TAG.kpi}.`),
  validateStack: (args, report) => {
    requirePlatform(args);
    const { kpis, catalog } = settingsFor<{ kpis: string[]; catalog: string }>("platform-catalog-kpis-have-datasets", args);
    if (kpis.length === 0) {
      return report(
        `No catalog KPIs configured, so no dataset can be checked against the catalog. ` +
          `Fix: pass --policy-pack-config policy/pack-config.json (written from the catalog by npm run policy:config).`,
      );
    }
    const covered = new Set(args.resources.filter((r) => r.type === "aws:quicksight/dataSet:DataSet").map((r) => tag(r, TAG.kpi)));
    for (const kpi of kpis.filter((k) => !covered.has(k))) {
      report(
        `Catalog KPI "${kpi}" (${catalog}) has no QuickSight dataset tagged ${TAG.kpi} = "${kpi}", so analysts cannot see it. ` +
          `Fix: build it with a KpiDataset (SPICE or DIRECT_QUERY per the catalog), or remove the row from the catalog.`,
      );
    }
  },
};

export const platformSilverTablesReconciled: StackValidationPolicy = {
  ...policyHeader(
    "platform-silver-tables-reconciled",
    `Every silver table of a data product is named in a ${TAG.reconciles} tag (the daily source-vs-silver reconciliation).`,
  ),
  validateStack: (args, report) => {
    requirePlatform(args);
    const products = new Set(args.resources.map((r) => tag(r, TAG.dataProduct)).filter((p): p is string => !!p));
    const silver = args.resources.filter((r) => {
      const t = tag(r, TAG.table);
      return r.type === "aws-native:s3tables:Table" && t?.startsWith("retail_silver.") && products.has(t.slice("retail_silver.".length));
    });
    if (silver.length === 0) return args.notApplicable("no silver tables of data products");
    const reconcilers = args.resources.filter((r) => tag(r, TAG.reconciles) !== undefined);
    const reconciled = new Set(reconcilers.flatMap((r) => parseReconciles(tag(r, TAG.reconciles)!)));
    for (const t of silver) {
      const fq = tag(t, TAG.table)!;
      if (reconciled.has(fq)) continue;
      const found =
        reconcilers.length === 0
          ? `no resource in this stack carries a ${TAG.reconciles} tag (no reconciliation is deployed)`
          : `${reconcilers.map((r) => `"${r.name}"`).join(", ")} reconcile(s) ${[...reconciled].join(" ") || "nothing"}`;
      report(
        `Silver table ${fq} ("${t.name}") is not reconciled against its source: ${found}. ` +
          `Fix: add ${fq.slice("retail_silver.".length)} to the Operations component's reconciled tables.`,
        t.urn,
      );
    }
  },
};

export const stackPolicies = [platformStreamingProductsComplete, platformCatalogKpisHaveDatasets, platformSilverTablesReconciled];
