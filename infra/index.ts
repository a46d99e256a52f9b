// The program `pulumi up` runs: config is validated whole before any resource is created, then the
// environment is built from it alone, and the output contract is exported.
import { loadConfig } from "./config";
import { platformOutputs } from "./contract";
import { buildPlatform } from "./platform";

export = platformOutputs(buildPlatform(loadConfig()));
