import * as athena from "@pulumi/aws/athena";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { ATHENA_MIN_BYTES_SCANNED_CUTOFF } from "../../core/limits";
import { policyHeader, settingsFor } from "../config";

/**
 * A workgroup is how bytes scanned per KPI is bounded: it only binds if clients cannot override it,
 * it sets a cutoff, and the results it writes (KPI rows, sometimes customer rows) are encrypted.
 */

export const athenaWorkgroupEnforced: ResourceValidationPolicy = {
  ...policyHeader("athena-workgroup-enforced", "Athena workgroups enforce their configuration over client-side settings."),
  validateResource: validateResourceOfType(athena.Workgroup, (wg, args, report) => {
    // The provider defaults enforceWorkgroupConfiguration to true; only an explicit false lets clients override.
    if (wg.configuration?.enforceWorkgroupConfiguration === false) {
      report(
        `Athena workgroup "${args.name}" sets configuration.enforceWorkgroupConfiguration = false, so clients can override its cutoff and result encryption. ` +
          `Fix: set enforceWorkgroupConfiguration to true (or omit it: the default is true).`,
      );
    }
  }),
};

export const athenaBytesScannedCutoff: ResourceValidationPolicy = {
  ...policyHeader("athena-bytes-scanned-cutoff", "Athena workgroups set a per-query bytes-scanned cutoff."),
  validateResource: validateResourceOfType(athena.Workgroup, (wg, args, report) => {
    const { maxBytesScannedCutoffPerQuery: max } = settingsFor<{ maxBytesScannedCutoffPerQuery: number }>("athena-bytes-scanned-cutoff", args);
    const cutoff = wg.configuration?.bytesScannedCutoffPerQuery;
    const fix = `Fix: set configuration.bytesScannedCutoffPerQuery between ${ATHENA_MIN_BYTES_SCANNED_CUTOFF} and ${max} bytes (retail:athena.bytesScannedCutoffPerQuery in our stacks).`;
    if (cutoff === undefined) {
      report(`Athena workgroup "${args.name}" has no bytes-scanned cutoff, so one query can scan the whole lake. ${fix}`);
    } else if (cutoff < ATHENA_MIN_BYTES_SCANNED_CUTOFF || cutoff > max) {
      report(
        `Athena workgroup "${args.name}" sets bytesScannedCutoffPerQuery = ${cutoff}, outside ${ATHENA_MIN_BYTES_SCANNED_CUTOFF}..${max}. ${fix}`,
      );
    }
  }),
};

const RESULT_ENCRYPTION = ["SSE_S3", "SSE_KMS", "CSE_KMS"];

export const athenaResultsEncrypted: ResourceValidationPolicy = {
  ...policyHeader("athena-results-encrypted", "Athena workgroups encrypt query results."),
  validateResource: validateResourceOfType(athena.Workgroup, (wg, args, report) => {
    const option = wg.configuration?.resultConfiguration?.encryptionConfiguration?.encryptionOption;
    if (!option || !RESULT_ENCRYPTION.includes(option)) {
      report(
        `Athena workgroup "${args.name}" has result encryption ${JSON.stringify(option ?? null)}; query results must be encrypted with one of ${RESULT_ENCRYPTION.join(", ")}. ` +
          `Fix: set configuration.resultConfiguration.encryptionConfiguration.encryptionOption (SSE_KMS with kmsKeyArn, or SSE_S3).`,
      );
    }
  }),
};

export const athenaPolicies = [athenaWorkgroupEnforced, athenaBytesScannedCutoff, athenaResultsEncrypted];
