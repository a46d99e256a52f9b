// The program `pulumi up` runs: config is validated whole before any resource is created, then the
// environment is built from it alone, and the output contract is exported.
import * as pulumi from "@pulumi/pulumi";
import { KpiCatalogError } from "../core/kpiCatalog";
import { SchemaChangeError } from "../core/schemaChange";
import { loadConfig } from "./config";
import { platformOutputs } from "./contract";
import { buildPlatform } from "./platform";

/** The core's input errors as RunErrors, so `pulumi up` prints their problems without a stack trace. */
function inputErrorsAsRunErrors<T>(build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof KpiCatalogError || e instanceof SchemaChangeError) throw Object.assign(new pulumi.RunError(e.message), { problems: e.problems });
    throw e;
  }
}

export = inputErrorsAsRunErrors(() => platformOutputs(buildPlatform(loadConfig())));
