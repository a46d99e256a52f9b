import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ProgramRun } from "../../local/harness";
import { CONTRACT_VERSION } from "../../infra/contract";
import { REPO, runStack } from "../support/stacks";

/**
 * The output contract other teams build on. Keys recorded for a contract version may never disappear
 * or change name within that version; a change that needs it bumps CONTRACT_VERSION.
 */
const history: Record<string, { outputs: string[]; stream: string[]; dataset: string[] }> = JSON.parse(
  fs.readFileSync(path.join(REPO, "infra", "contract-history.json"), "utf8"),
);

const BUMP =
  "Renaming or removing an output breaks every team that reads it: bump CONTRACT_VERSION in infra/contract.ts, record the new keys under that version in infra/contract-history.json, and add a changelog line to README.md.";
const RECORD = "A new output is compatible: record it under the current version in infra/contract-history.json and in the README's output table.";

function compare(what: string, recorded: string[], actual: string[]): void {
  const missing = recorded.filter((k) => !actual.includes(k));
  const added = actual.filter((k) => !recorded.includes(k));
  assert.deepEqual(missing, [], `${what}: contract ${CONTRACT_VERSION} promises ${missing.join(", ")}, which the stack no longer exports. ${BUMP}`);
  assert.deepEqual(added, [], `${what}: ${added.join(", ")} is exported but not recorded for contract ${CONTRACT_VERSION}. ${RECORD}`);
}

describe("output contract", () => {
  const runs: ProgramRun[] = [];
  before(async () => {
    runs.push(await runStack("dev"), await runStack("prod"));
  });

  it("records the current contract version", () => {
    assert.ok(history[CONTRACT_VERSION], `infra/contract-history.json has no entry for contract ${CONTRACT_VERSION}. ${BUMP}`);
  });

  it("exports exactly the recorded outputs in dev and prod", () => {
    for (const run of runs) compare(`${run.stack} outputs`, history[CONTRACT_VERSION].outputs, Object.keys(run.outputs).sort());
  });

  it("keeps every stream's and dataset's fields", () => {
    for (const run of runs) {
      for (const [product, stream] of Object.entries(run.outputs.streams as Record<string, object>)) {
        compare(`${run.stack} streams.${product}`, history[CONTRACT_VERSION].stream, Object.keys(stream).sort());
      }
      for (const [kpi, ds] of Object.entries(run.outputs.quicksightDatasets as Record<string, object>)) {
        compare(`${run.stack} quicksightDatasets.${kpi}`, history[CONTRACT_VERSION].dataset, Object.keys(ds).sort());
      }
    }
  });

  it("documents every recorded output and the version in the README", () => {
    const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
    for (const key of history[CONTRACT_VERSION].outputs) assert.ok(readme.includes(`\`${key}\``), `README.md's output table lacks \`${key}\``);
    assert.match(
      readme,
      new RegExp(`contract ${CONTRACT_VERSION}\\b`),
      `README.md's changelog has no line for contract ${CONTRACT_VERSION}. ${BUMP}`,
    );
  });

  it("fails with the bump instruction when an output is renamed", () => {
    const renamed = history[CONTRACT_VERSION].outputs.map((k) => (k === "streams" ? "kinesisStreams" : k)).sort();
    assert.throws(
      () => compare("simulated", history[CONTRACT_VERSION].outputs, renamed),
      /promises streams, which the stack no longer exports\. Renaming or removing an output .*bump CONTRACT_VERSION/,
    );
  });
});
