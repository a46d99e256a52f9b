import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { AnalyzedResource, analyzeAll, createAnalyzer } from "../../local/analyzer";
import { TAG } from "../../core/tags";
import { packArgs, PACK_NAME } from "../../policy/pack";
import { spiceRowCap } from "../../policy/rules/spice";
import { UNKNOWN_STRING } from "./harness";

const urn = (type: string, name: string) => `urn:pulumi:prod::retail-analytics::${type}::${name}`;
const dataset = (rows: string, extra: Record<string, unknown> = {}): AnalyzedResource => ({
  type: "aws:quicksight/dataSet:DataSet",
  name: "sku-velocity",
  urn: urn("aws:quicksight/dataSet:DataSet", "sku-velocity"),
  inputs: { dataSetId: "sku_velocity", importMode: "SPICE", tags: { [TAG.expectedRows]: rows }, ...extra },
});
const onePolicy = { policies: [spiceRowCap], enforcementLevel: "advisory" as const };

describe("analyzer: the pack's own analyze path, in-process", () => {
  it("reports a violation with the policy's level, the resource's urn and the policy's message", async () => {
    const ds = await createAnalyzer("test", "0.0.1", onePolicy).analyze(dataset("12000000"));
    assert.deepEqual(ds, [
      {
        policy: "spice-row-cap",
        enforcementLevel: "mandatory",
        urn: dataset("").urn,
        message:
          'QuickSight dataset "sku-velocity" (dataSetId sku_velocity) imports 12,000,000 expected rows into SPICE; the cap is 10,000,000. ' +
          'Fix: set importMode to "DIRECT_QUERY", or aggregate its view below the cap.',
        description: spiceRowCap.description,
      },
    ]);
  });

  it("matches types like the engine: other resources get no diagnostics", async () => {
    const other = {
      type: "aws:sns/topic:Topic",
      name: "t",
      urn: urn("aws:sns/topic:Topic", "t"),
      inputs: { tags: { [TAG.expectedRows]: "99999999999" } },
    };
    assert.deepEqual(await createAnalyzer("test", "0.0.1", onePolicy).analyze(other), []);
  });

  it("applies pack config: a level replaces the policy's, settings reach getConfig, disabled runs nothing", async () => {
    const advisory = await createAnalyzer("test", "0.0.1", onePolicy, { "spice-row-cap": "advisory" }).analyze(dataset("12000000"));
    assert.equal(advisory[0].enforcementLevel, "advisory");
    const tighter = await createAnalyzer("test", "0.0.1", onePolicy, { "spice-row-cap": { maxRows: 1000 } }).analyze(dataset("2000"));
    assert.match(tighter[0].message, /the cap is 1,000\./);
    assert.equal(tighter[0].enforcementLevel, "mandatory");
    assert.deepEqual(await createAnalyzer("test", "0.0.1", onePolicy, { "spice-row-cap": "disabled" }).analyze(dataset("12000000")), []);
  });

  it("downgrades a policy that reads an unknown value to advisory, as preview does", async () => {
    const ds = await createAnalyzer("test", "0.0.1", onePolicy).analyze(dataset(UNKNOWN_STRING));
    assert.equal(ds.length, 1);
    assert.equal(ds[0].enforcementLevel, "advisory");
    assert.match(
      ds[0].message,
      /^can't run policy 'spice-row-cap' from policy pack 'test@v0.0.1' during preview: string value at \.tags\.retail:expected-rows/,
    );
  });

  it("hands policies plain values for secret inputs", async () => {
    const secretTags = { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: { [TAG.expectedRows]: "12000000" } };
    const ds = await createAnalyzer("test", "0.0.1", onePolicy).analyze(dataset("0", { tags: secretTags }));
    assert.match(ds[0].message, /imports 12,000,000 expected rows/);
  });

  it("builds analyzers repeatedly without serving a pack (a second PolicyPack would exit the process)", async () => {
    const a = createAnalyzer(PACK_NAME, "0.1.0", packArgs);
    const b = createAnalyzer(PACK_NAME, "0.1.0", packArgs);
    const all = [...(await analyzeAll(a, [dataset("12000000")])), ...(await analyzeAll(b, [dataset("1")]))];
    assert.deepEqual(
      all.map((d) => d.policy),
      ["spice-row-cap"],
    );
  });
});
