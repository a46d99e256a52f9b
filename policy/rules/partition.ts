import * as s3tables from "@pulumi/aws/s3tables";
import * as s3tablesNative from "@pulumi/aws-native/s3tables";
import { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation, validateResourceOfType } from "@pulumi/policy";
import { TAG } from "../../core/tags";
import { policyHeader, settingsFor } from "../config";
import { tagsOf } from "./facts";

/**
 * Every KPI query prunes on day(event time): an event table partitioned by anything else (identity scans
 * one partition per timestamp, month reads thirty days for one) makes Athena bytes scanned grow with history.
 * Snapshot tables are read whole, so they are exempt, but only the platform's definitions (the pack config) say
 * which tables are snapshots: a table's own retail:semantics tag, or no tag, exempts nothing.
 */

/** One table as the platform defines it (local/packConfig.ts writes these from sql/). */
interface TableSpec {
  readonly semantics: "event" | "snapshot";
  readonly eventTimeColumn?: string;
  readonly partitionBy: readonly string[];
  readonly source?: string;
}

interface Field {
  readonly id?: number;
  readonly name: string;
  readonly type?: string;
}

/** A table as either resource type writes it; `partitionBy` is undefined where the type cannot declare one. */
interface TableFacts {
  readonly fqName: string;
  readonly fields: readonly Field[];
  readonly partitionBy?: readonly string[];
  readonly tags: unknown;
}

const isTimestamp = (f: Field) => /^timestamp(tz)?$/i.test(f.type ?? "");

function nativeFacts(table: any): TableFacts {
  const meta = table.icebergMetadata ?? {};
  const fields: Field[] = [...(meta.icebergSchema?.schemaFieldList ?? []), ...(meta.icebergSchemaV2?.schemaV2FieldList ?? [])];
  const nameOf = (id: number) => fields.find((f) => f.id === id)?.name ?? `field ${id}`;
  const spec: { sourceId: number; transform: string }[] = meta.icebergPartitionSpec?.fields ?? [];
  return {
    fqName: `${table.namespace}.${table.tableName}`,
    fields,
    partitionBy: spec.map((f) => `${f.transform}(${nameOf(f.sourceId)})`),
    tags: table.tags,
  };
}

function classicFacts(table: any): TableFacts {
  return { fqName: `${table.namespace}.${table.name}`, fields: table.metadata?.iceberg?.schema?.fields ?? [], tags: table.tags };
}

function judge(t: TableFacts, args: ResourceValidationArgs, report: ReportViolation): void {
  const { tables } = settingsFor<{ tables: Record<string, TableSpec> }>("iceberg-event-tables-partitioned-by-day", args);
  const spec: TableSpec | undefined = Object.prototype.hasOwnProperty.call(tables, t.fqName) ? tables[t.fqName] : undefined;
  const where = `Iceberg table "${t.fqName}" (${args.name})`;
  const found =
    t.partitionBy === undefined
      ? "declared with aws.s3tables.Table, which cannot declare a partition spec"
      : t.partitionBy.length === 0
        ? "not partitioned"
        : `partitioned by ${t.partitionBy.join(", ")}`;
  const classicFix = t.partitionBy === undefined ? " Declare it with aws-native s3tables.Table, which takes icebergPartitionSpec." : "";
  const definedIn = spec?.source ?? "pack config";

  if (spec?.semantics === "snapshot") {
    // The exemption belongs to the table the platform defines, so it holds only as defined.
    const actual = t.partitionBy ?? [];
    const same = actual.length === spec.partitionBy.length && spec.partitionBy.every((p) => actual.includes(p));
    if (same) return args.notApplicable(`snapshot table in the platform's definitions (${definedIn})`);
    return report(
      `${where} is a snapshot table in the platform's definitions (${definedIn}), partitioned by ${spec.partitionBy.join(", ") || "nothing"}, but is ${found}; ` +
        `the snapshot exemption holds only for the table as defined. Fix: partition it as ${definedIn} says, or give the table another name.${classicFix}`,
    );
  }

  // An event table of the platform's is partitioned on its defined column; any other table on one of its timestamp columns.
  const ownColumn = tagsOf({ tags: t.tags }, args.provider)[TAG.eventTimeColumn];
  const column = spec?.eventTimeColumn ?? (ownColumn !== undefined && ownColumn !== "" ? ownColumn : undefined);
  const candidates = column ? [column] : t.fields.filter(isTimestamp).map((f) => f.name);
  const why = spec
    ? `an event table in the platform's definitions (${definedIn})`
    : "not a snapshot table in the platform's definitions (pack config), so it is held to the event-table rule whatever its own tags say";
  if (candidates.length === 0) return args.notApplicable("no timestamp column: its schema has no event time to partition by");
  if (column && t.fields.length > 0 && !t.fields.some((f) => f.name === column)) {
    return report(
      `${where} is ${why}, with event-time column "${column}", but its schema has no column "${column}". ` +
        `Fix: add "${column}" (timestamp, with a field id) to its schema, or correct ${spec ? definedIn : `the ${TAG.eventTimeColumn} tag`}.`,
    );
  }
  if ((t.partitionBy ?? []).some((p) => candidates.some((c) => p === `day(${c})`))) return;
  const target = candidates.length === 1 ? `day(${candidates[0]})` : `day() of its event-time column (one of ${candidates.join(", ")})`;
  const fieldId = t.fields.find((f) => f.name === candidates[0])?.id;
  const fix =
    t.partitionBy === undefined
      ? classicFix
      : ` Set icebergMetadata.icebergPartitionSpec.fields to [{name: "${candidates[0]}_day", sourceId: ${fieldId}, transform: "day"}] (this replaces the table: migrate its data first).`;
  report(
    `${where} is ${found}; it is ${why}, and an event table must be partitioned by ${target} so KPI queries prune to the days they read. ` +
      `Fix:${fix}${spec ? "" : " A snapshot table is exempt only once the platform lists it (npm run policy:config writes the sql/ table headers into the pack config)."}`,
  );
}

export const icebergEventTablesPartitionedByDay: ResourceValidationPolicy = {
  ...policyHeader(
    "iceberg-event-tables-partitioned-by-day",
    "Iceberg tables are partitioned by day(<event time>) unless the platform's definitions (pack config) make them snapshot tables.",
  ),
  validateResource: [
    validateResourceOfType(s3tablesNative.Table, (table, args, report) => judge(nativeFacts(table), args, report)),
    validateResourceOfType(s3tables.Table, (table, args, report) => judge(classicFacts(table), args, report)),
  ],
};

export const partitionPolicies = [icebergEventTablesPartitionedByDay];
