import * as athena from "@pulumi/aws/athena";
import * as athenaNative from "@pulumi/aws-native/athena";
import { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation, validateResourceOfType } from "@pulumi/policy";
import { ATHENA_MIN_BYTES_SCANNED_CUTOFF } from "../../core/limits";
import { policyHeader, settingsFor } from "../config";

/**
 * A workgroup is how bytes scanned per KPI is bounded: it only binds if clients cannot override it,
 * it sets a cutoff, and the results it writes (KPI rows, sometimes customer rows) are encrypted.
 */

/** One workgroup's settings, read from either resource type (lazily: an unknown one disarms only the rule reading it). */
interface WorkgroupFacts {
  /** The enforce flag as written; `defaultEnforced` is what the type does when it is omitted. */
  readonly enforce?: boolean;
  readonly defaultEnforced: boolean;
  readonly enforcePath: string;
  readonly cutoff?: number;
  readonly cutoffPath: string;
  readonly encryptionOption?: string;
  readonly encryptionPath: string;
  /** Results kept in Athena-owned storage, which Athena always encrypts. */
  readonly managedResults: boolean;
}

type WorkgroupCheck = (wg: WorkgroupFacts, args: ResourceValidationArgs, report: ReportViolation) => void;

function onEveryWorkgroup(check: WorkgroupCheck) {
  return [
    validateResourceOfType(athena.Workgroup, (wg, args, report) => {
      const c = wg.configuration;
      check(
        {
          get enforce() {
            return c?.enforceWorkgroupConfiguration;
          },
          // The classic provider defaults enforceWorkgroupConfiguration to true.
          defaultEnforced: true,
          enforcePath: "configuration.enforceWorkgroupConfiguration",
          get cutoff() {
            return c?.bytesScannedCutoffPerQuery;
          },
          cutoffPath: "configuration.bytesScannedCutoffPerQuery",
          get encryptionOption() {
            return c?.resultConfiguration?.encryptionConfiguration?.encryptionOption;
          },
          encryptionPath: "configuration.resultConfiguration.encryptionConfiguration.encryptionOption",
          get managedResults() {
            return c?.managedQueryResultsConfiguration?.enabled === true;
          },
        },
        args,
        report,
      );
    }),
    validateResourceOfType(athenaNative.WorkGroup, (wg, args, report) => {
      const c = wg.workGroupConfiguration;
      check(
        {
          get enforce() {
            return c?.enforceWorkGroupConfiguration;
          },
          // CloudFormation documents no default for EnforceWorkGroupConfiguration: only an explicit true counts.
          defaultEnforced: false,
          enforcePath: "workGroupConfiguration.enforceWorkGroupConfiguration",
          get cutoff() {
            return c?.bytesScannedCutoffPerQuery;
          },
          cutoffPath: "workGroupConfiguration.bytesScannedCutoffPerQuery",
          get encryptionOption() {
            return c?.resultConfiguration?.encryptionConfiguration?.encryptionOption;
          },
          encryptionPath: "workGroupConfiguration.resultConfiguration.encryptionConfiguration.encryptionOption",
          get managedResults() {
            return c?.managedQueryResultsConfiguration?.enabled === true;
          },
        },
        args,
        report,
      );
    }),
  ];
}

export const athenaWorkgroupEnforced: ResourceValidationPolicy = {
  ...policyHeader("athena-workgroup-enforced", "Athena workgroups enforce their configuration over client-side settings."),
  validateResource: onEveryWorkgroup((wg, args, report) => {
    if (wg.enforce === true || (wg.enforce === undefined && wg.defaultEnforced)) return;
    const found = wg.enforce === undefined ? `does not set ${wg.enforcePath}` : `sets ${wg.enforcePath} = ${JSON.stringify(wg.enforce)}`;
    report(
      `Athena workgroup "${args.name}" ${found}, so clients can override its cutoff and result encryption. ` +
        `Fix: set ${wg.enforcePath.split(".").pop()} to true${wg.defaultEnforced ? " (or omit it: the default is true)" : ""}.`,
    );
  }),
};

export const athenaBytesScannedCutoff: ResourceValidationPolicy = {
  ...policyHeader("athena-bytes-scanned-cutoff", "Athena workgroups set a per-query bytes-scanned cutoff."),
  validateResource: onEveryWorkgroup((wg, args, report) => {
    const { maxBytesScannedCutoffPerQuery: max } = settingsFor<{ maxBytesScannedCutoffPerQuery: number }>("athena-bytes-scanned-cutoff", args);
    const fix = `Fix: set ${wg.cutoffPath} between ${ATHENA_MIN_BYTES_SCANNED_CUTOFF} and ${max} bytes (retail:athena.bytesScannedCutoffPerQuery in our stacks).`;
    if (wg.cutoff === undefined) {
      report(`Athena workgroup "${args.name}" has no bytes-scanned cutoff, so one query can scan the whole lake. ${fix}`);
    } else if (!(wg.cutoff >= ATHENA_MIN_BYTES_SCANNED_CUTOFF && wg.cutoff <= max)) {
      report(
        `Athena workgroup "${args.name}" sets bytesScannedCutoffPerQuery = ${wg.cutoff}, outside ${ATHENA_MIN_BYTES_SCANNED_CUTOFF}..${max}. ${fix}`,
      );
    }
  }),
};

const RESULT_ENCRYPTION = ["SSE_S3", "SSE_KMS", "CSE_KMS"];

export const athenaResultsEncrypted: ResourceValidationPolicy = {
  ...policyHeader("athena-results-encrypted", "Athena workgroups encrypt query results."),
  validateResource: onEveryWorkgroup((wg, args, report) => {
    if (wg.managedResults) return;
    const option = wg.encryptionOption;
    if (!option || !RESULT_ENCRYPTION.includes(option)) {
      report(
        `Athena workgroup "${args.name}" has result encryption ${JSON.stringify(option ?? null)}; query results must be encrypted with one of ${RESULT_ENCRYPTION.join(", ")}. ` +
          `Fix: set ${wg.encryptionPath} (SSE_KMS with a key, or SSE_S3).`,
      );
    }
  }),
};

export const athenaPolicies = [athenaWorkgroupEnforced, athenaBytesScannedCutoff, athenaResultsEncrypted];
