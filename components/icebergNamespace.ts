import * as pulumi from "@pulumi/pulumi";
import * as aws from "./aws";
import * as s3tablesNative from "@pulumi/aws-native/s3tables";
import * as nativeTypes from "@pulumi/aws-native/types";
import { TableDef } from "../core/tables";
import { NAMESPACES, NamespaceName } from "../core/namespaces";
import { TableAccess } from "../core/sql/access";
import { arn, AwsAccount } from "./account";
import { Grant } from "./iam";
import { grantTableQuery, grantTableWrite, QueryWrites, TableBucketRef, WriterKind } from "./tableAccess";
import { TAG } from "../core/tags";
import type { TableMigrationPlan } from "../core/schemaLedger";
import { TableMigration } from "./tableMigration";

export interface IcebergNamespaceArgs {
  /** The account, region and partition the stack runs in (the program looks them up once). */
  readonly account: AwsAccount;
  /** Table definitions (from sql/ DDL via core/tables.ts), one Iceberg table each. */
  readonly tables: readonly TableDef[];
  /** KMS key for the table bucket; when omitted the component creates one with rotation on. */
  readonly kmsKeyArn?: pulumi.Input<string>;
  /** Days before unreferenced files are marked non-current (S3 Tables default 3). */
  readonly unreferencedDays?: number;
  /** Days before non-current files are deleted (S3 Tables default 10). */
  readonly nonCurrentDays?: number;
  /** Compaction target file size in MB, 64 to 512 (S3 Tables default 512). */
  readonly compactionTargetFileSizeMb?: number;
  /** Snapshots older than this are expired (S3 Tables default 120 h). */
  readonly maxSnapshotAgeHours: number;
  /** Snapshots always kept, whatever their age (S3 Tables default 1). */
  readonly minSnapshotsToKeep?: number;
  /** Protect the bucket and tables from deletion (true in prod). */
  readonly protect: boolean;
  readonly tags?: Record<string, string>;
}

/** Throws when the args cannot make a valid table bucket; called before any child is created. */
export function validateIcebergNamespaceArgs(args: IcebergNamespaceArgs, resource?: pulumi.Resource): void {
  const size = args.compactionTargetFileSizeMb;
  if (size !== undefined && (!Number.isInteger(size) || size < 64 || size > 512)) {
    throw new pulumi.ResourceError(
      `IcebergNamespace: compactionTargetFileSizeMb = ${size} must be a whole number from 64 to 512 (S3 Tables limit). Fix: use 512 unless queries need smaller files.`,
      resource,
    );
  }
  if (!Number.isInteger(args.maxSnapshotAgeHours) || args.maxSnapshotAgeHours < 1) {
    throw new pulumi.ResourceError(
      `IcebergNamespace: maxSnapshotAgeHours = ${args.maxSnapshotAgeHours} must be a whole number of hours >= 1. Fix: pass a positive whole number.`,
      resource,
    );
  }
  const seen = new Set<string>();
  for (const t of args.tables) {
    const key = `${t.namespace}.${t.name}`;
    if (!(NAMESPACES as readonly string[]).includes(t.namespace)) {
      throw new pulumi.ResourceError(
        `IcebergNamespace: table ${key} (${t.source}) is in namespace "${t.namespace}"; use one of ${NAMESPACES.join(", ")}.`,
        resource,
      );
    }
    if (seen.has(key))
      throw new pulumi.ResourceError(`IcebergNamespace: table ${key} is defined twice (${t.source}). Fix: keep one DDL file per table.`, resource);
    seen.add(key);
  }
}

/** Iceberg field ids are 1-based positions in the DDL; the partition spec refers to them as sourceId. */
export function icebergMetadataFor(table: TableDef): nativeTypes.input.s3tables.TableIcebergMetadataArgs {
  const fieldId = (column: string) => table.columns.findIndex((c) => c.name === column) + 1;
  return {
    icebergSchema: {
      schemaFieldList: table.columns.map((c, i) => ({
        id: i + 1,
        name: c.name,
        type: c.icebergType,
        required: false,
      })),
    },
    ...(table.partitionBy.length > 0
      ? {
          icebergPartitionSpec: {
            fields: table.partitionBy.map((p, i) => ({
              fieldId: 1000 + i,
              name: p.transform === "identity" ? p.column : `${p.column}_${p.transform}`,
              sourceId: fieldId(p.column),
              transform: p.transform,
            })),
          },
        }
      : {}),
  };
}

/** What a lane needs of the lakehouse: its catalog, key and bronze namespace, and a write grant on its table. */
export type LaneLakehouse = Pick<IcebergNamespace, "catalogArn" | "kmsKeyArn" | "tableBucketArn" | "namespaces" | "grantWrite">;

/**
 * An S3 Tables table bucket holding the lakehouse's namespaces and Iceberg tables, with encryption,
 * unreferenced-file removal, compaction and snapshot management. Tables use @pulumi/aws-native because
 * the classic provider cannot declare a partition spec (terraform-provider-aws#46494).
 */
export class IcebergNamespace extends pulumi.ComponentResource implements TableBucketRef {
  public readonly account: AwsAccount;
  public readonly tableBucket: aws.s3tables.TableBucket;
  public readonly tableBucketArn: pulumi.Output<string>;
  public readonly tableBucketName: pulumi.Output<string>;
  public readonly kmsKeyArn: pulumi.Output<string>;
  /** Glue catalog ARN under which Firehose, Glue and Athena see this bucket's namespaces. */
  public readonly catalogArn: pulumi.Output<string>;
  /** Lake Formation / Glue catalog id for this bucket: `<account>:s3tablescatalog/<bucket>`. */
  public readonly catalogId: pulumi.Output<string>;
  public readonly namespaces: Record<NamespaceName, pulumi.Output<string>>;
  /** Iceberg tables by `<namespace>.<table>`. */
  public readonly tables: Record<string, s3tablesNative.Table>;
  public readonly tableDefs: Record<string, TableDef>;
  private readonly prefix: string;

  constructor(name: string, args: IcebergNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("retail:analytics:IcebergNamespace", name, {}, opts);
    validateIcebergNamespaceArgs(args, this);
    this.account = args.account;
    this.prefix = name;
    const { tables, protect, tags = {} } = args;
    const stateful = { parent: this, protect };

    const key =
      args.kmsKeyArn === undefined
        ? new aws.kms.Key(`${name}-key`, { description: `S3 Tables encryption for ${name}`, enableKeyRotation: true, tags }, { parent: this })
        : undefined;
    this.kmsKeyArn = key ? key.arn : pulumi.output(args.kmsKeyArn!);

    const bucketName = `${name}-tables`;
    this.tableBucket = new aws.s3tables.TableBucket(
      `${name}-tables`,
      {
        name: bucketName,
        encryptionConfiguration: { sseAlgorithm: "aws:kms", kmsKeyArn: this.kmsKeyArn },
        maintenanceConfiguration: {
          icebergUnreferencedFileRemoval: {
            status: "enabled",
            settings: { unreferencedDays: args.unreferencedDays ?? 3, nonCurrentDays: args.nonCurrentDays ?? 10 },
          },
        },
        tags: { ...tags, [TAG.component]: "IcebergNamespace" },
      },
      stateful,
    );
    this.tableBucketArn = this.tableBucket.arn;
    // From the bucket resource, not the name we asked for: whatever reads these waits for the bucket to exist.
    this.tableBucketName = this.tableBucket.name;

    this.catalogId = pulumi.interpolate`${args.account.accountId}:s3tablescatalog/${this.tableBucket.name}`;
    this.catalogArn = arn(args.account, "glue", pulumi.interpolate`catalog/s3tablescatalog/${this.tableBucket.name}`);

    const namespaceResources = Object.fromEntries(
      NAMESPACES.map((ns) => [ns, new aws.s3tables.Namespace(`${name}-${ns}`, { namespace: ns, tableBucketArn: this.tableBucket.arn }, stateful)]),
    ) as Record<NamespaceName, aws.s3tables.Namespace>;
    this.namespaces = Object.fromEntries(NAMESPACES.map((ns) => [ns, namespaceResources[ns].namespace])) as Record<
      NamespaceName,
      pulumi.Output<string>
    >;

    this.tables = {};
    this.tableDefs = {};
    for (const table of tables) {
      const fqName = `${table.namespace}.${table.name}`;
      this.tableDefs[fqName] = table;
      this.tables[fqName] = new s3tablesNative.Table(
        `${name}-${table.namespace}-${table.name}`,
        {
          tableBucketArn: this.tableBucket.arn,
          namespace: namespaceResources[table.namespace as NamespaceName].namespace,
          tableName: table.name,
          openTableFormat: "ICEBERG",
          icebergMetadata: icebergMetadataFor(table),
          compaction: { status: "enabled", targetFileSizeMb: args.compactionTargetFileSizeMb ?? 512 },
          snapshotManagement: {
            status: "enabled",
            maxSnapshotAgeHours: args.maxSnapshotAgeHours,
            minSnapshotsToKeep: args.minSnapshotsToKeep ?? 1,
          },
          tags: Object.entries({
            ...tags,
            [TAG.table]: fqName,
            [TAG.semantics]: table.semantics,
            ...(table.eventTimeColumn ? { [TAG.eventTimeColumn]: table.eventTimeColumn } : {}),
          }).map(([k, value]) => ({ key: k, value })),
        },
        // A change of icebergMetadata would replace (drop) the table: the schema evolves in place through migrate().
        { ...stateful, dependsOn: [namespaceResources[table.namespace as NamespaceName]], ignoreChanges: ["icebergMetadata"] },
      );
    }

    this.registerOutputs({
      tableBucketArn: this.tableBucketArn,
      catalogArn: this.catalogArn,
      namespaces: this.namespaces,
      tableArns: Object.fromEntries(Object.entries(this.tables).map(([k, t]) => [k, t.tableArn])),
    });
  }

  /**
   * One TableMigration per planned table (core/schemaLedger.ts), run through `workGroup` once the table exists: the
   * additive schema steps the DDL made since the table was created.
   */
  migrate(plans: readonly TableMigrationPlan[], workGroup: pulumi.Input<string>): Record<string, TableMigration> {
    const out: Record<string, TableMigration> = {};
    for (const p of plans) {
      const table = this.tables[p.table];
      if (!table) throw new pulumi.ResourceError(`IcebergNamespace: a migration names ${p.table}, which is not one of its tables.`, this);
      out[p.table] = new TableMigration(
        `${this.prefix}-${p.table.replace(".", "-")}-schema`,
        {
          table: p.table,
          catalog: pulumi.interpolate`s3tablescatalog/${this.tableBucketName}`,
          workGroup,
          region: this.account.region,
          version: p.version,
          steps: p.steps,
        },
        { parent: this, dependsOn: [table] },
      );
    }
    return out;
  }

  /** Let `principal` write one table directly (Firehose, a Glue job); Lake Formation grants `<name>-namespace|table` under `parent`. */
  grantWrite(name: string, principal: pulumi.Input<string>, table: string, parent: pulumi.Resource, writer?: WriterKind): Grant {
    return grantTableWrite(this, name, principal, table, parent, writer);
  }

  /** Let `principal` read and write what `access` names through Athena; Lake Formation grants `<name>-<table>` under `parent`. */
  grantQuery(name: string, principal: pulumi.Input<string>, access: TableAccess, parent: pulumi.Resource, writeKind?: QueryWrites): Grant {
    return grantTableQuery(this, name, principal, access, parent, writeKind);
  }
}
