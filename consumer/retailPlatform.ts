import * as pulumi from "@pulumi/pulumi";
import { CONTRACT_VERSION, PlatformOutputs, StreamOutput } from "../core/contract";

/**
 * Typed access to the retail analytics platform's stack outputs for other teams' Pulumi programs:
 *
 *   const retail = RetailPlatform.fromStack("org/retail-analytics/prod");
 *   const cart = retail.stream("cart_events");          // Output<{ streamName, streamArn, ... }>
 *
 * Every getter first checks the referenced stack's `contractVersion`; a missing or incompatible one
 * fails the consumer's preview with a message saying what to do, instead of an `undefined` deep in a
 * resource's inputs.
 */
export class ContractError extends Error {}

/** The check every getter runs; exported so consumers' tests can call it alone. */
export function checkContract(stack: string, outputs: Partial<PlatformOutputs> | undefined): PlatformOutputs {
  const found = outputs?.contractVersion;
  if (found === undefined) {
    throw new ContractError(
      `${stack} exports no contractVersion: it is not a retail analytics platform stack, or it predates the contract. Fix: reference the platform's stack (org/retail-analytics/<env>) and run \`pulumi up\` on it first.`,
    );
  }
  if (found !== CONTRACT_VERSION) {
    throw new ContractError(
      `${stack} exports contractVersion ${found}, but this helper reads contract ${CONTRACT_VERSION}. Fix: ${
        Number(found) > Number(CONTRACT_VERSION) ? "upgrade" : "downgrade"
      } the helper to the platform release that matches contract ${found} (see the platform README's changelog).`,
    );
  }
  return outputs as PlatformOutputs;
}

function pick<T>(stack: string, what: string, table: Record<string, T>, key: string): T {
  const value = table[key];
  if (value === undefined) {
    throw new ContractError(`${stack} has no ${what} "${key}". Available: ${Object.keys(table).sort().join(", ") || "(none)"}.`);
  }
  return value;
}

export class RetailPlatform {
  /** All outputs, after the contract check. */
  public readonly outputs: pulumi.Output<PlatformOutputs>;

  private constructor(
    public readonly stackName: string,
    public readonly reference: pulumi.StackReference,
  ) {
    this.outputs = reference.outputs.apply((o) => checkContract(stackName, o as Partial<PlatformOutputs>));
  }

  /** Reference a platform stack, e.g. `org/retail-analytics/prod`. */
  static fromStack(stackName: string, opts?: pulumi.CustomResourceOptions): RetailPlatform {
    return new RetailPlatform(stackName, new pulumi.StackReference(stackName, { name: stackName }, opts));
  }

  get contractVersion(): pulumi.Output<string> {
    return this.outputs.contractVersion;
  }

  /** The Kinesis stream and Firehose of a streaming data product, e.g. `cart_events`. */
  stream(product: string): pulumi.Output<StreamOutput> {
    return this.outputs.apply((o) => pick(this.stackName, "streaming data product", o.streams, product));
  }

  /** An Iceberg table's ARN, e.g. `table("silver", "order_events")`. */
  tableArn(layer: "bronze" | "silver" | "gold", table: string): pulumi.Output<string> {
    return this.outputs.apply((o) => pick(this.stackName, `${layer} table`, o.tables[o.namespaces[layer]] ?? {}, table));
  }

  /** The Glue job name of a batch data product, e.g. `erp_inventory`. */
  glueJob(product: string): pulumi.Output<string> {
    return this.outputs.apply((o) => pick(this.stackName, "batch data product", o.glueJobs, product));
  }

  /** The QuickSight Athena data source of a KPI owner team, e.g. `Inventory`. */
  dataSource(ownerTeam: string): pulumi.Output<{ id: string; arn: string }> {
    return this.outputs.apply((o) => pick(this.stackName, "QuickSight data source for owner team", o.quicksightDataSources, ownerTeam));
  }

  /** The platform's QuickSight dataset of a KPI, e.g. `conversion_rate`. */
  dataset(kpi: string): pulumi.Output<PlatformOutputs["quicksightDatasets"][string]> {
    return this.outputs.apply((o) => pick(this.stackName, "KPI dataset", o.quicksightDatasets, kpi));
  }

  /** Glue database with the gold KPI views (query them as `<goldDatabase>.<kpi>`). */
  get goldDatabase(): pulumi.Output<string> {
    return this.outputs.goldDatabase;
  }

  get tableBucketArn(): pulumi.Output<string> {
    return this.outputs.tableBucketArn;
  }

  get alarmTopicArn(): pulumi.Output<string> {
    return this.outputs.alarmTopicArn;
  }
}
