import * as pulumi from "@pulumi/pulumi";
import * as aws from "../aws";
import { GOLD_DATABASE, viewStatement } from "../../core/kpiCatalog";
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
    views[v.name] = new AthenaView(
      `${name}-view-${v.name}`,
      {
        viewName: v.name,
        database: GOLD_DATABASE,
        statement: viewStatement(v.sql[args.channelMode]),
        workGroup: platformWorkgroup.name,
        region,
      },
      { parent, dependsOn: [goldDatabase, ...Object.values(namespaceLinks), ...(lakehouse.tables ?? []), ...migrations] },
    );
  }
  return { goldDatabase, namespaceLinks, views };
}
