import { strict as assert } from "assert";
import { SPICE_ROW_CAP } from "../../core/limits";
import { TAG } from "../../core/tags";
import { spiceExpectedRowsDeclared, spiceRowCap } from "../../policy/rules/spice";
import { runPolicy, UNKNOWN_STRING } from "./harness";

const TYPE = "aws:quicksight/dataSet:DataSet";
const dataset = (over: Record<string, any> = {}, tags: Record<string, string> = { [TAG.expectedRows]: "2000000", [TAG.kpi]: "conversion_rate" }) => ({
  type: TYPE,
  name: "conversion-rate",
  props: { dataSetId: "conversion_rate", importMode: "SPICE", tags, ...over },
});

describe("policy: SPICE row cap", () => {
  it("Compliance: a SPICE dataset under the cap", async () => {
    assert.deepEqual((await runPolicy(spiceRowCap, dataset())).violations, []);
  });

  it("Compliance: exactly at the cap", async () => {
    assert.deepEqual((await runPolicy(spiceRowCap, dataset({}, { [TAG.expectedRows]: String(SPICE_ROW_CAP) }))).violations, []);
  });

  it("Noncompliance 1: 12M expected rows in SPICE", async () => {
    const out = await runPolicy(spiceRowCap, dataset({}, { [TAG.expectedRows]: "12000000" }));
    assert.deepEqual(out.violations, [
      'QuickSight dataset "conversion-rate" (dataSetId conversion_rate) imports 12,000,000 expected rows into SPICE; the cap is 10,000,000. ' +
        'Fix: set importMode to "DIRECT_QUERY", or aggregate its view below the cap.',
    ]);
  });

  it("stays mandatory when a tag it does not read is unknown at preview", async () => {
    const out = await runPolicy(spiceRowCap, dataset({}, { [TAG.expectedRows]: "12000000", owner: UNKNOWN_STRING }));
    assert.equal(out.unknown, undefined);
    assert.equal(out.violations.length, 1);
  });

  it("reads the cap from the pack config", async () => {
    const out = await runPolicy(spiceRowCap, { ...dataset(), config: { maxRows: 1_000_000 } });
    assert.match(out.violations[0], /imports 2,000,000 expected rows into SPICE; the cap is 1,000,000\./);
  });

  it("does not apply to direct-query datasets or other types", async () => {
    const direct = await runPolicy(spiceRowCap, dataset({ importMode: "DIRECT_QUERY" }, { [TAG.expectedRows]: "900000000" }));
    assert.deepEqual(direct.violations, []);
    assert.ok(direct.notApplicable.includes("importMode is DIRECT_QUERY, not SPICE"), JSON.stringify(direct.notApplicable));
    const other = await runPolicy(spiceRowCap, { type: "aws:s3/bucket:Bucket", props: {} });
    assert.deepEqual(other.notApplicable, [
      `Policy only applies to resources of type '${TYPE}'`,
      "Policy only applies to resources of type 'aws-native:quicksight:DataSet'",
    ]);
  });
});

describe("policy: SPICE expected rows declared (advisory)", () => {
  it("Compliance: the tag is a whole number", async () => {
    assert.deepEqual((await runPolicy(spiceExpectedRowsDeclared, dataset())).violations, []);
  });

  it("Noncompliance 1: no expected-rows tag", async () => {
    const out = await runPolicy(spiceExpectedRowsDeclared, dataset({}, { [TAG.kpi]: "conversion_rate" }));
    assert.deepEqual(out.violations, [
      'QuickSight dataset "conversion-rate" (dataSetId conversion_rate) imports into SPICE with no retail:expected-rows tag, so the SPICE row cap (10,000,000 rows unless the pack config lowers it) cannot be checked. ' +
        "Fix: tag it retail:expected-rows with the expected row count (a whole number).",
    ]);
    assert.equal(spiceExpectedRowsDeclared.enforcementLevel, "advisory");
    assert.deepEqual((await runPolicy(spiceRowCap, dataset({}, {}))).violations, [], "a missing tag is not a mandatory violation");
  });

  it("leaves a tag that is not a number to the mandatory cap rule, which reports it as unreadable", async () => {
    const tags = { [TAG.expectedRows]: "about 5M" };
    assert.deepEqual((await runPolicy(spiceExpectedRowsDeclared, dataset({}, tags))).violations, []);
    assert.match((await runPolicy(spiceRowCap, dataset({}, tags))).violations[0], /retail:expected-rows = "about 5M" is unreadable as a number/);
  });
});
