import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { TAG } from "../../core/tags";
import { startPolicyPack } from "../../local/analyzer";
import { buildPolicyPack } from "../../local/policyBuild";

const REPO = path.resolve(__dirname, "..", "..");
const root = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
const pack = JSON.parse(fs.readFileSync(path.join(REPO, "policy", "package.json"), "utf8"));

// `pulumi preview --policy-pack policy` loads policy/ as its own folder: it must be a valid pack whose
// SDK versions are exactly the ones the program and the offline analyzer were tested with.
describe("policy pack folder", () => {
  it("declares a nodejs PulumiPolicy.yaml and an entry that exists", () => {
    const manifest = parseYaml(fs.readFileSync(path.join(REPO, "policy", "PulumiPolicy.yaml"), "utf8"));
    assert.equal(manifest.runtime, "nodejs");
    assert.ok(fs.existsSync(path.join(REPO, "policy", pack.main)), `policy/${pack.main} is missing`);
  });

  it("pins every dependency to the root's exact version", () => {
    for (const [name, version] of Object.entries<string>(pack.dependencies)) {
      const rootVersion = root.dependencies[name] ?? root.devDependencies[name];
      assert.equal(version, rootVersion, `policy/package.json pins ${name}@${version}, the root ${rootVersion}: align them`);
    }
  });

  it("constructs the PolicyPack only in its entry point, so tests and the analyzer never start the gRPC server", () => {
    const files = fs.readdirSync(path.join(REPO, "policy"), { recursive: true }) as string[];
    const constructing = files.filter((f) => f.endsWith(".ts") && /new PolicyPack\(/.test(fs.readFileSync(path.join(REPO, "policy", f), "utf8")));
    assert.deepEqual(constructing, ["index.ts"]);
  });
});

describe("policy pack, built as it is published (npm run policy:build)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "retail-pack-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("bundles rules and core into index.js, requiring nothing but its declared dependencies", () => {
    buildPolicyPack(dir);
    const built = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    assert.equal(built.main, "index.js");
    const required = [...fs.readFileSync(path.join(dir, "index.js"), "utf8").matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    const undeclared = required.filter((r) => !Object.keys(built.dependencies).some((d) => r === d || r.startsWith(`${d}/`)));
    assert.deepEqual(undeclared, []);
    for (const f of ["PulumiPolicy.yaml", "pack-config.json"]) assert.ok(fs.existsSync(path.join(dir, f)), `${f} missing from the build`);
  });

  it("serves every policy of the source pack from a folder of its own, and reports a violation", async () => {
    // The folder's dependencies resolve as an installed pack's would; none of the repository's sources can.
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"), "dir");
    const [published, source] = await Promise.all([startPolicyPack(dir, "index.js"), startPolicyPack(path.join(REPO, "policy"))]);
    try {
      assert.deepEqual(published.policies, source.policies);
      assert.equal(published.version, pack.version);
      await published.configure(JSON.parse(fs.readFileSync(path.join(dir, "pack-config.json"), "utf8")));
      const ds = await published.analyze({
        type: "aws:quicksight/dataSet:DataSet",
        name: "big",
        urn: "urn:pulumi:prod::other::aws:quicksight/dataSet:DataSet::big",
        inputs: { dataSetId: "big", importMode: "SPICE", tags: { [TAG.expectedRows]: "12000000" } },
      });
      assert.deepEqual(
        ds.map((d) => [d.policy, d.enforcementLevel]),
        [["spice-row-cap", "mandatory"]],
      );
    } finally {
      published.close();
      source.close();
    }
  });
});
