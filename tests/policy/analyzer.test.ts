import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { AnalyzedResource, analyzeAll, PackConfig, PolicyPackProcess, startPolicyPack } from "../../local/analyzer";
import { POLICY_DIR } from "../../local/plan";
import { TAG } from "../../core/tags";
import { spiceRowCap } from "../../policy/rules/spice";
import { UNKNOWN_STRING } from "./harness";

const urn = (type: string, name: string) => `urn:pulumi:prod::retail-analytics::${type}::${name}`;
const dataset = (rows: string, extra: Record<string, unknown> = {}): AnalyzedResource => ({
  type: "aws:quicksight/dataSet:DataSet",
  name: "sku-velocity",
  urn: urn("aws:quicksight/dataSet:DataSet", "sku-velocity"),
  inputs: { dataSetId: "sku_velocity", importMode: "SPICE", tags: { [TAG.expectedRows]: rows }, ...extra },
});

const ONE_POLICY = path.join(__dirname, "..", "fixtures", "packs", "one-policy");

describe("analyzer: a pack served in its own process, spoken to over gRPC as the CLI does", () => {
  let pack: PolicyPackProcess;
  before(async () => {
    pack = await startPolicyPack(ONE_POLICY);
  });
  after(() => pack.close());
  const analyze = async (r: AnalyzedResource, config: PackConfig = {}) => {
    await pack.configure(config);
    return pack.analyze(r);
  };

  it("reports a violation with the policy's level, the resource's urn and the policy's message", async () => {
    const ds = await analyze(dataset("12000000"));
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
    assert.deepEqual(await analyze(other), []);
  });

  it("applies pack config: a level replaces the policy's, settings reach getConfig, disabled runs nothing", async () => {
    const advisory = await analyze(dataset("12000000"), { "spice-row-cap": "advisory" });
    assert.equal(advisory[0].enforcementLevel, "advisory");
    const tighter = await analyze(dataset("2000"), { "spice-row-cap": { maxRows: 1000 } });
    assert.match(tighter[0].message, /the cap is 1,000\./);
    assert.equal(tighter[0].enforcementLevel, "mandatory");
    assert.deepEqual(await analyze(dataset("12000000"), { "spice-row-cap": "disabled" }), []);
  });

  it("downgrades a policy that reads an unknown value to advisory, as preview does", async () => {
    const ds = await analyze(dataset(UNKNOWN_STRING));
    assert.equal(ds.length, 1);
    assert.equal(ds[0].enforcementLevel, "advisory");
    assert.match(
      ds[0].message,
      /^can't run policy 'spice-row-cap' from policy pack 'test@v0.0.1' during preview: string value at \.tags\.retail:expected-rows/,
    );
  });

  it("hands policies plain values for secret inputs", async () => {
    const secretTags = { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: { [TAG.expectedRows]: "12000000" } };
    const ds = await analyze(dataset("0", { tags: secretTags }));
    assert.match(ds[0].message, /imports 12,000,000 expected rows/);
  });

  it("reports the pack's name, version and policies, and refuses config for a policy it does not have", async () => {
    assert.deepEqual([pack.name, pack.version, pack.policies], ["test", "0.0.1", [{ name: "spice-row-cap", enforcementLevel: "mandatory" }]]);
    await assert.rejects(
      pack.configure({ "spice-row-kap": "advisory" }),
      /pack config names policies the pack does not have: spice-row-kap\. Fix: use one of all, spice-row-cap/,
    );
  });

  it("applies `all` to every policy, a policy's own entry over it, and refuses a level that does not exist", async () => {
    assert.equal((await analyze(dataset("12000000"), { all: "advisory" }))[0].enforcementLevel, "advisory");
    assert.equal((await analyze(dataset("12000000"), { all: "advisory", "spice-row-cap": "mandatory" }))[0].enforcementLevel, "mandatory");
    await assert.rejects(
      pack.configure({ all: "strict" as never }),
      /pack config all = "strict" is not an enforcement level\. Fix: use one of advisory/,
    );
    await assert.rejects(
      pack.configure({ "spice-row-cap": { enforcementLevel: "loud" as never } }),
      /pack config spice-row-cap\.enforcementLevel = "loud" is not an enforcement level/,
    );
  });

  it("serves the real pack beside another: each pack in its own process, each with its own verdicts", async () => {
    const real = await startPolicyPack(POLICY_DIR);
    try {
      await real.configure({});
      const all = [...(await analyzeAll(real, [dataset("12000000")])), ...(await analyzeAll(pack, [dataset("1")]))];
      assert.deepEqual(
        all.map((d) => d.policy),
        ["spice-row-cap"],
      );
    } finally {
      real.close();
    }
  });

  it("fails with the pack's own error output when the pack cannot start", async () => {
    await assert.rejects(startPolicyPack(path.join(ONE_POLICY, "..")), /exited \(\d+\) before serving:\n[\s\S]*Cannot find module/);
  });
});
