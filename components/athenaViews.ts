import * as pulumi from "@pulumi/pulumi";
import { AthenaClient } from "@aws-sdk/client-athena";
import { AthenaViewInputs, AthenaViewOutputs, createView, deleteView, diffView, updateView, validateViewInputs } from "./athenaViewDdl";

/**
 * The provider object Pulumi serializes into state: kept to one line per method so the serialized closure holds
 * nothing but calls into athenaViewDdl (tested on its own) and the SDK client.
 */
const provider: pulumi.dynamic.ResourceProvider<AthenaViewInputs, AthenaViewOutputs> = {
  create: (inputs) => createView(new AthenaClient({ region: inputs.region }), inputs),
  update: (_id, _olds, news) => updateView(new AthenaClient({ region: news.region }), news),
  delete: (_id, olds) => deleteView(new AthenaClient({ region: olds.region }), olds),
  diff: async (_id, olds, news) => diffView(olds, news),
};

export type AthenaViewArgs = { readonly [K in keyof AthenaViewInputs]: pulumi.Input<AthenaViewInputs[K]> };

/** A view in a Glue database, created and kept current by running its CREATE OR REPLACE VIEW through Athena. */
export class AthenaView extends pulumi.dynamic.Resource {
  declare public readonly queryExecutionId: pulumi.Output<string>;
  declare public readonly viewName: pulumi.Output<string>;
  declare public readonly database: pulumi.Output<string>;

  constructor(name: string, args: AthenaViewArgs, opts?: pulumi.CustomResourceOptions) {
    // Known values are checked at construction, so a bad view file fails the preview rather than the deploy.
    if ([args.viewName, args.database, args.statement].every((v) => typeof v === "string")) {
      validateViewInputs(args as AthenaViewInputs);
    }
    super(provider, name, { ...args, queryExecutionId: undefined }, opts, "retail", "AthenaView");
  }
}
