import * as quicksight from "@pulumi/aws/quicksight";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { SPICE_ROW_CAP } from "../../core/limits";
import { TAG } from "../../core/tags";
import { policyHeader, settingsFor } from "../config";
import { numericTag, tagsOf } from "./facts";

/** SPICE imports every row; past the cap, refreshes fail or slow, so large datasets belong in direct query. */

export const spiceRowCap: ResourceValidationPolicy = {
  ...policyHeader("spice-row-cap", "SPICE datasets stay under the SPICE row cap; larger data is queried directly."),
  validateResource: validateResourceOfType(quicksight.DataSet, (ds, args, report) => {
    if (ds.importMode !== "SPICE") return args.notApplicable(`importMode is ${ds.importMode}, not SPICE`);
    const { maxRows } = settingsFor<{ maxRows: number }>("spice-row-cap", args);
    const rows = numericTag(tagsOf(ds), TAG.expectedRows);
    if (rows !== undefined && rows > maxRows) {
      report(
        `QuickSight dataset "${args.name}" (dataSetId ${ds.dataSetId}) imports ${rows.toLocaleString("en-US")} expected rows into SPICE; ` +
          `the cap is ${maxRows.toLocaleString("en-US")}. Fix: set importMode to "DIRECT_QUERY", or aggregate its view below the cap.`,
      );
    }
  }),
};

export const spiceExpectedRowsDeclared: ResourceValidationPolicy = {
  ...policyHeader("spice-expected-rows-declared", `SPICE datasets declare their expected size in the ${TAG.expectedRows} tag.`),
  validateResource: validateResourceOfType(quicksight.DataSet, (ds, args, report) => {
    if (ds.importMode !== "SPICE") return args.notApplicable(`importMode is ${ds.importMode}, not SPICE`);
    const tags = tagsOf(ds);
    const rows = numericTag(tags, TAG.expectedRows);
    if (rows === undefined || Number.isNaN(rows)) {
      report(
        `QuickSight dataset "${args.name}" (dataSetId ${ds.dataSetId}) imports into SPICE with ${TAG.expectedRows} = ${JSON.stringify(tags[TAG.expectedRows] ?? null)}, ` +
          `so the SPICE row cap (${SPICE_ROW_CAP.toLocaleString("en-US")} rows unless the pack config lowers it) cannot be checked. Fix: tag it ${TAG.expectedRows} with the expected row count (a whole number).`,
      );
    }
  }),
};

export const spicePolicies = [spiceRowCap, spiceExpectedRowsDeclared];
