import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, packArgs } from "./pack";

// Constructing the pack starts the analyzer gRPC server the Pulumi CLI talks to: only `pulumi ... --policy-pack policy` loads this file.
new PolicyPack(PACK_NAME, packArgs);
