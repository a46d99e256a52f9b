import * as pulumi from "@pulumi/pulumi";
import { Platform } from "./platform";

/**
 * The stack outputs other teams consume through StackReference. This module is the only place outputs
 * are declared. Renaming or removing a key is a breaking change: bump CONTRACT_VERSION and add a line
 * to the README's changelog (the contract test enforces both).
 */
export const CONTRACT_VERSION = "1";

export interface StreamOutput {
  readonly streamName: string;
  readonly streamArn: string;
  readonly firehoseName: string;
  readonly shardCount: number | null;
}

export interface PlatformOutputs {
  readonly contractVersion: string;
  readonly environment: string;
  readonly region: string;
  readonly tableBucketArn: string;
  readonly catalogArn: string;
  readonly namespaces: { readonly bronze: string; readonly silver: string; readonly gold: string };
  /** Table ARNs by namespace, then table name. */
  readonly tables: Record<string, Record<string, string>>;
  /** By data product. */
  readonly streams: Record<string, StreamOutput>;
  /** Glue job names by data product. */
  readonly glueJobs: Record<string, string>;
  readonly alarmTopicArn: string;
}

/** Outputs as Pulumi values, typed against the contract so a missing or misspelled key fails to compile. */
export type PlatformOutputInputs = { readonly [K in keyof PlatformOutputs]: pulumi.Input<PlatformOutputs[K]> };

export function platformOutputs(p: Platform): PlatformOutputInputs {
  const tables: Record<string, Record<string, pulumi.Output<string>>> = {};
  for (const [fq, table] of Object.entries(p.lakehouse.tables)) {
    const [ns, name] = fq.split(".");
    (tables[ns] ??= {})[name] = table.tableArn;
  }
  return {
    contractVersion: CONTRACT_VERSION,
    environment: p.config.environment,
    region: p.config.region,
    tableBucketArn: p.lakehouse.tableBucketArn,
    catalogArn: p.lakehouse.catalogArn,
    namespaces: pulumi.output({
      bronze: p.lakehouse.namespaces.retail_bronze,
      silver: p.lakehouse.namespaces.retail_silver,
      gold: p.lakehouse.namespaces.retail_gold,
    }),
    tables: pulumi.output(tables),
    streams: pulumi.output(
      Object.fromEntries(
        Object.entries(p.streams).map(([product, lane]) => [
          product,
          { streamName: lane.stream.name, streamArn: lane.stream.arn, firehoseName: lane.firehose.name, shardCount: lane.shardCount ?? null },
        ]),
      ),
    ),
    glueJobs: pulumi.output(Object.fromEntries(Object.entries(p.batches).map(([product, lane]) => [product, lane.job.name]))),
    alarmTopicArn: p.alarmTopic.arn,
  };
}
