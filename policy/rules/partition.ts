import * as s3tables from "@pulumi/aws/s3tables";
import * as s3tablesNative from "@pulumi/aws-native/s3tables";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { TAG } from "../../core/tags";
import { policyHeader } from "../config";
import { tagsOf } from "./facts";

/**
 * Every KPI query prunes on day(event time): an event table partitioned by anything else (identity scans
 * one partition per timestamp, month reads thirty days for one) makes Athena bytes scanned grow with history.
 * Snapshot tables are read whole, so they are exempt.
 */

interface SchemaField {
  readonly id?: number;
  readonly name: string;
}

function schemaFields(meta: {
  icebergSchema?: { schemaFieldList?: SchemaField[] };
  icebergSchemaV2?: { schemaV2FieldList?: SchemaField[] };
}): SchemaField[] {
  return [...(meta.icebergSchema?.schemaFieldList ?? []), ...(meta.icebergSchemaV2?.schemaV2FieldList ?? [])];
}

export const icebergEventTablesPartitionedByDay: ResourceValidationPolicy = {
  ...policyHeader(
    "iceberg-event-tables-partitioned-by-day",
    `Iceberg event tables are partitioned by day(<${TAG.eventTimeColumn}>); snapshot tables are exempt.`,
  ),
  validateResource: [
    validateResourceOfType(s3tablesNative.Table, (table, args, report) => {
      const tags = tagsOf(table);
      const column = tags[TAG.eventTimeColumn];
      if (tags[TAG.semantics] === "snapshot") return args.notApplicable("snapshot tables are read whole");
      if (!column) return args.notApplicable(`no ${TAG.eventTimeColumn} tag`);
      const where = `Iceberg table "${table.namespace}.${table.tableName ?? args.name}" (${args.name})`;
      const meta = table.icebergMetadata ?? {};
      const field = schemaFields(meta).find((f) => f.name === column);
      if (!field || field.id === undefined) {
        report(
          `${where} declares ${TAG.eventTimeColumn} = "${column}" but its schema has no column "${column}" with an id. ` +
            `Fix: add "${column}" (timestamp, with a field id) to icebergMetadata.icebergSchema, or correct the tag.`,
        );
        return;
      }
      const fields = meta.icebergPartitionSpec?.fields ?? [];
      if (fields.some((f) => f.sourceId === field.id && f.transform === "day")) return;
      const found =
        fields.length === 0 ? "not partitioned" : `partitioned by ${fields.map((f) => `${f.transform}(${nameOf(f.sourceId)})`).join(", ")}`;
      report(
        `${where} is ${found}; an event table must be partitioned by day(${column}) so KPI queries prune to the days they read. ` +
          `Fix: set icebergMetadata.icebergPartitionSpec.fields to [{name: "${column}_day", sourceId: ${field.id}, transform: "day"}] ` +
          `(this replaces the table: migrate its data first).`,
      );

      function nameOf(sourceId: number): string {
        return schemaFields(meta).find((f) => f.id === sourceId)?.name ?? `field ${sourceId}`;
      }
    }),
    validateResourceOfType(s3tables.Table, (table, args, report) => {
      const tags = tagsOf(table);
      const column = tags[TAG.eventTimeColumn];
      if (tags[TAG.semantics] === "snapshot") return args.notApplicable("snapshot tables are read whole");
      if (!column) return args.notApplicable(`no ${TAG.eventTimeColumn} tag`);
      report(
        `Iceberg table "${table.namespace}.${table.name}" (${args.name}) is an event table on ${TAG.eventTimeColumn} "${column}", but aws.s3tables.Table cannot declare a partition spec, ` +
          `so it is not partitioned by day(${column}). Fix: declare it with aws-native s3tables.Table and icebergPartitionSpec day(${column}).`,
      );
    }),
  ],
};

export const partitionPolicies = [icebergEventTablesPartitionedByDay];
