import * as pulumi from "@pulumi/pulumi";
import { ATHENA_MIN_BYTES_SCANNED_CUTOFF } from "../../core/limits";
import { CHANNEL_MODES, ChannelMode, GOLD_DATABASE } from "../../core/kpiCatalog";
import { RESERVED_WORKGROUP_SUFFIXES, teamSlug } from "../../core/names";
import { AwsAccount } from "../account";

export interface GoldViewSource {
  /** View name inside retail_gold. */
  readonly name: string;
  /** The view's SQL file text per channel mode; goldChannelMode picks one. */
  readonly sql: Readonly<Record<ChannelMode, string>>;
}

export interface GoldLayerArgs {
  /** The account, region and partition the stack runs in (the program looks them up once). */
  readonly account: AwsAccount;
  readonly environment: string;
  /** store-only deploys each view's rollback variant (the seed's 48-hour rollback while identity_bridge backfills). */
  readonly channelMode: ChannelMode;
  readonly views: readonly GoldViewSource[];
  /** Owner team (as the KPI catalog spells it) → its QuickSight group; each team gets a workgroup and a data source. */
  readonly ownerGroups: Readonly<Record<string, string>>;
  readonly quicksightNamespace: string;
  readonly bytesScannedCutoffPerQuery: number;
  /** Daily bytes-scanned budget per workgroup; a CloudWatch alarm fires above it. */
  readonly dailyScanBudgetBytes: number;
  /** Days Athena query results are kept. */
  readonly resultRetentionDays: number;
  /** The S3 Tables side the views read, from IcebergNamespace. */
  readonly lakehouse: {
    readonly catalogId: pulumi.Input<string>;
    readonly tableBucketName: pulumi.Input<string>;
    readonly tableBucketArn: pulumi.Input<string>;
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Tables the views read: Athena checks them when it creates a view, so they must exist first. */
    readonly tables?: readonly pulumi.Resource[];
    /**
     * Registers the tables' schema migrations (IcebergNamespace.migrate) to run in the operations workgroup the layer
     * creates; the views wait for them, so a view edited to read a column added in the same change is created after
     * the column exists, not before (Athena checks every column a view names when it creates it).
     */
    readonly migrate?: (operationsWorkGroup: pulumi.Input<string>) => readonly pulumi.Resource[];
    /** Each table's schema version (core/schemaLedger.ts planMigrations): a view re-runs when one it reads moves. */
    readonly schemaVersions?: Readonly<Record<string, number>>;
  };
  /** S3 Tables namespaces the views read (e.g. retail_silver), linked into the default catalog under the same name. */
  readonly linkedNamespaces: readonly string[];
  readonly alarmTopicArn: pulumi.Input<string>;
  /** Protect the gold database: dropping it drops every view the dashboards read. */
  readonly protect: boolean;
  readonly tags?: Record<string, string>;
}

/** Throws when the args cannot make a working gold layer; pure so tests call it alone. */
export function validateGoldLayerArgs(args: GoldLayerArgs, resource?: pulumi.Resource): void {
  if (!(CHANNEL_MODES as readonly string[]).includes(args.channelMode)) {
    throw new pulumi.ResourceError(`GoldLayer: channelMode "${args.channelMode}" must be one of ${CHANNEL_MODES.join(", ")}.`, resource);
  }
  if (args.views.length === 0)
    throw new pulumi.ResourceError("GoldLayer: no views. Fix: add KPI rows to the catalog and their view files to sql/gold.", resource);
  const names = new Set<string>();
  for (const v of args.views) {
    if (names.has(v.name))
      throw new pulumi.ResourceError(`GoldLayer: view ${GOLD_DATABASE}.${v.name} is listed twice. Fix: one catalog row per view.`, resource);
    names.add(v.name);
  }
  const teams = Object.keys(args.ownerGroups);
  if (teams.length === 0)
    throw new pulumi.ResourceError("GoldLayer: ownerGroups is empty. Fix: map each KPI owner team to its QuickSight group in ownerGroups.", resource);
  const slugs = new Map<string, string>();
  for (const t of teams) {
    const s = teamSlug(t);
    if (s === "" || slugs.has(s) || RESERVED_WORKGROUP_SUFFIXES.includes(s)) {
      const clash = slugs.has(s)
        ? `, already used by "${slugs.get(s)}"`
        : RESERVED_WORKGROUP_SUFFIXES.includes(s)
          ? ", reserved for the layer's own workgroup"
          : "";
      throw new pulumi.ResourceError(
        `GoldLayer: owner team "${t}" makes workgroup suffix "${s}"${clash}. Fix: give teams names that differ in letters or digits.`,
        resource,
      );
    }
    slugs.set(s, t);
  }
  if (!Number.isInteger(args.bytesScannedCutoffPerQuery) || args.bytesScannedCutoffPerQuery < ATHENA_MIN_BYTES_SCANNED_CUTOFF) {
    throw new pulumi.ResourceError(
      `GoldLayer: bytesScannedCutoffPerQuery = ${args.bytesScannedCutoffPerQuery} must be a whole number >= ${ATHENA_MIN_BYTES_SCANNED_CUTOFF} (Athena's minimum). Fix: raise bytesScannedCutoffPerQuery.`,
      resource,
    );
  }
  if (!Number.isInteger(args.resultRetentionDays) || args.resultRetentionDays < 1) {
    throw new pulumi.ResourceError(
      `GoldLayer: resultRetentionDays = ${args.resultRetentionDays} must be a whole number of days >= 1. Fix: raise resultRetentionDays.`,
      resource,
    );
  }
  for (const ns of args.linkedNamespaces) {
    if (ns === GOLD_DATABASE || !/^[a-z][a-z0-9_]*$/.test(ns)) {
      throw new pulumi.ResourceError(
        `GoldLayer: linked namespace "${ns}" must be a lowercase S3 Tables namespace other than ${GOLD_DATABASE}. Fix: gold views read silver, e.g. retail_silver.`,
        resource,
      );
    }
  }
}
