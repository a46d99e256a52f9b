import * as pulumi from "@pulumi/pulumi";
import { AthenaClient } from "@aws-sdk/client-athena";
import { diffMigration, migrateTable, TableMigrationInputs, TableMigrationOutputs } from "./tableMigrationDdl";

/** Kept to one line per method, as AthenaView's provider is: the logic lives in tableMigrationDdl, tested on its own. */
const provider: pulumi.dynamic.ResourceProvider<TableMigrationInputs, TableMigrationOutputs> = {
  create: async (inputs) => ({ id: inputs.table, outs: await migrateTable(new AthenaClient({ region: inputs.region }), inputs) }),
  update: async (_id, _olds, news) => ({ outs: await migrateTable(new AthenaClient({ region: news.region }), news) }),
  delete: async () => undefined,
  diff: async (_id, olds, news) => diffMigration(olds, news),
};

export type TableMigrationArgs = { readonly [K in keyof TableMigrationInputs]: pulumi.Input<TableMigrationInputs[K]> };

/** Applies a table's additive schema steps through Athena (the table itself ignores later icebergMetadata changes). */
export class TableMigration extends pulumi.dynamic.Resource {
  declare public readonly version: pulumi.Output<number>;
  declare public readonly applied: pulumi.Output<string[]>;

  constructor(name: string, args: TableMigrationArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, applied: undefined }, opts, "retail", "TableMigration");
  }
}
