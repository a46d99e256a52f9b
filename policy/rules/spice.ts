import * as quicksight from "@pulumi/aws/quicksight";
import * as quicksightNative from "@pulumi/aws-native/quicksight";
import { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation, validateResourceOfType } from "@pulumi/policy";
import { SPICE_ROW_CAP } from "../../core/limits";
import { TAG } from "../../core/tags";
import { policyHeader, settingsFor } from "../config";
import { NUMBER_FORMS_HELP, numericTag, tagsOf, unreadableTag } from "./facts";

/** SPICE imports every row; past the cap, refreshes fail or slow, so large datasets belong in direct query. */

interface DataSetFacts {
  readonly importMode?: string;
  readonly dataSetId?: string;
  readonly tags?: unknown;
}

type DataSetCheck = (ds: DataSetFacts, args: ResourceValidationArgs, report: ReportViolation) => void;

/** The same check on both resource types that make a QuickSight dataset (their inputs share these names). */
function onEveryDataSet(check: DataSetCheck) {
  return [validateResourceOfType(quicksight.DataSet, check), validateResourceOfType(quicksightNative.DataSet, check)];
}

const label = (ds: DataSetFacts, args: ResourceValidationArgs) => `QuickSight dataset "${args.name}" (dataSetId ${ds.dataSetId})`;

export const spiceRowCap: ResourceValidationPolicy = {
  ...policyHeader("spice-row-cap", "SPICE datasets stay under the SPICE row cap; larger data is queried directly."),
  validateResource: onEveryDataSet((ds, args, report) => {
    if (ds.importMode !== "SPICE") return args.notApplicable(`importMode is ${ds.importMode}, not SPICE`);
    const { maxRows } = settingsFor<{ maxRows: number }>("spice-row-cap", args);
    const rows = numericTag(tagsOf(ds, args.provider), TAG.expectedRows);
    if (rows.kind === "absent") return args.notApplicable(`no ${TAG.expectedRows} tag (spice-expected-rows-declared reports that)`);
    if (rows.kind === "unreadable") {
      return report(
        `${label(ds, args)} imports into SPICE with ${unreadableTag(TAG.expectedRows, rows.raw)}, so the SPICE row cap (${maxRows.toLocaleString("en-US")}) cannot be checked. ` +
          `Fix: write the expected row count as ${NUMBER_FORMS_HELP}.`,
      );
    }
    if (rows.value > maxRows) {
      report(
        `${label(ds, args)} imports ${rows.value.toLocaleString("en-US")} expected rows into SPICE; ` +
          `the cap is ${maxRows.toLocaleString("en-US")}. Fix: set importMode to "DIRECT_QUERY", or aggregate its view below the cap.`,
      );
    }
  }),
};

export const spiceExpectedRowsDeclared: ResourceValidationPolicy = {
  ...policyHeader("spice-expected-rows-declared", `SPICE datasets declare their expected size in the ${TAG.expectedRows} tag.`),
  validateResource: onEveryDataSet((ds, args, report) => {
    if (ds.importMode !== "SPICE") return args.notApplicable(`importMode is ${ds.importMode}, not SPICE`);
    // A tag that is present but unreadable is spice-row-cap's (mandatory) finding, not a nudge.
    if (numericTag(tagsOf(ds, args.provider), TAG.expectedRows).kind !== "absent") return;
    report(
      `${label(ds, args)} imports into SPICE with no ${TAG.expectedRows} tag, ` +
        `so the SPICE row cap (${SPICE_ROW_CAP.toLocaleString("en-US")} rows unless the pack config lowers it) cannot be checked. Fix: tag it ${TAG.expectedRows} with the expected row count (a whole number).`,
    );
  }),
};

export const spicePolicies = [spiceRowCap, spiceExpectedRowsDeclared];
