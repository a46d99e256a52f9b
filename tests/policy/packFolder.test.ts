import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";

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
