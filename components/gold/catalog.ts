import * as pulumi from "@pulumi/pulumi";
import * as aws from "../aws";
import { GOLD_DATABASE, viewStatement } from "../../core/kpiCatalog";
import { tableAccess } from "../../core/sql/access";
import { AthenaView } from "../athenaViews";
import type { GoldLayerArgs } from "./args";

export interface GoldCatalog {
  readonly goldDatabase: aws.glue.CatalogDatabase;
  readonly namespaceLinks: Record<string, aws.glue.CatalogDatabase>;
  readonly views: Record<string, AthenaView>;
}

/**
 * The `retail_gold` Glue database with the KPI views created from sql/gold, and links from the default catalog to
 * the S3 Tables namespaces the views read. Views live in the default catalog because Athena does not run CREATE
 * VIEW on S3 Tables catalogs; a database resource link named like the namespace (retail_silver) lets the same SQL
 * files run here and on the local DuckDB lakehouse unchanged.
 */
export function createGoldCatalog(
  name: string,
  args: Pick<GoldLayerArgs, "channelMode" | "views" | "lakehouse" | "linkedNamespaces" | "protect">,
  platformWorkgroup: aws.athena.Workgroup,
  region: pulumi.Input<string>,
  layerTags: Record<string, string>,
  parent: pulumi.Resource,
  /** Schema migrations the views wait for (GoldLayerArgs.lakehouse.migrate). */
  migrations: readonly pulumi.Resource[] = [],
): GoldCatalog {
  const { lakehouse } = args;
  const goldDatabase = new aws.glue.CatalogDatabase(
    `${name}-${GOLD_DATABASE}`,
    {
      name: GOLD_DATABASE,
      description: "Gold KPI views; defined in sql/gold (omnichannel or store-only per retail:goldChannelMode), deployed by Pulumi",
      tags: layerTags,
    },
    { parent, protect: args.protect },
  );
  const namespaceLinks: Record<string, aws.glue.CatalogDatabase> = Object.fromEntries(
    args.linkedNamespaces.map((ns) => [
      ns,
      new aws.glue.CatalogDatabase(
        `${name}-link-${ns}`,
        {
          name: ns,
          description: `Resource link to the S3 Tables namespace ${ns}`,
          targetDatabase: { catalogId: lakehouse.catalogId, databaseName: ns },
        },
        { parent },
      ),
    ]),
  );

  const views: Record<string, AthenaView> = {};
  for (const v of args.views) {
    const statement = viewStatement(v.sql[args.channelMode]);
    const versions = lakehouse.schemaVersions;
    views[v.name] = new AthenaView(
      `${name}-view-${v.name}`,
      {
        viewName: v.name,
        database: GOLD_DATABASE,
        statement,
        workGroup: platformWorkgroup.name,
        region,
        ...(versions ? { sourceVersions: formatViewSources(viewSources(statement, versions)) } : {}),
      },
      { parent, dependsOn: [goldDatabase, ...Object.values(namespaceLinks), ...(lakehouse.tables ?? []), ...migrations] },
    );
  }
  return { goldDatabase, namespaceLinks, views };
}

/** The tables a view statement reads that have a schema version, each with it, sorted. */
export function viewSources(statement: string, versions: Readonly<Record<string, number>>): { table: string; version: number }[] {
  return tableAccess([statement])
    .reads.filter((t) => t in versions)
    .sort()
    .map((table) => ({ table, version: versions[table] }));
}

/** The AthenaView sourceVersions input: `retail_silver.order_events@2,...`; a change re-runs the view's DDL in place. */
export function formatViewSources(sources: readonly { table: string; version: number }[]): string {
  return sources.map((s) => `${s.table}@${s.version}`).join(",");
}
