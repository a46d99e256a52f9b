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
  if (missing.length) assert.fail(`${what}: contract ${CONTRACT_VERSION} promises ${missing.join(", ")}, which the stack no longer exports. ${BUMP}`);
  if (added.length) assert.fail(`${what}: ${added.join(", ")} is exported but not recorded for contract ${CONTRACT_VERSION}. ${RECORD}`);
}

/**
 * The contract check: a stack's outputs (as the program exports them) against what infra/contract-history.json
 * records for the current CONTRACT_VERSION, top-level keys and every stream's and dataset's fields. The check
 * lives here, not in product code; the tests below run it on the real dev and prod outputs, and on the real prod
 * outputs with one key renamed.
 */
function checkContract(stack: string, outputs: Record<string, unknown>): void {
  const recorded = history[CONTRACT_VERSION];
  assert.ok(recorded, `infra/contract-history.json has no entry for contract ${CONTRACT_VERSION}. ${BUMP}`);
  compare(`${stack} outputs`, recorded.outputs, Object.keys(outputs).sort());
  for (const [product, stream] of Object.entries((outputs.streams ?? {}) as Record<string, object>)) {
    compare(`${stack} streams.${product}`, recorded.stream, Object.keys(stream).sort());
  }
  for (const [kpi, ds] of Object.entries((outputs.quicksightDatasets ?? {}) as Record<string, object>)) {
    compare(`${stack} quicksightDatasets.${kpi}`, recorded.dataset, Object.keys(ds).sort());
  }
}

describe("output contract", () => {
  const runs: ProgramRun[] = [];
  before(async () => {
    runs.push(await runStack("dev"), await runStack("prod"));
  });

  it("records the current contract version", () => {
    assert.ok(history[CONTRACT_VERSION], `infra/contract-history.json has no entry for contract ${CONTRACT_VERSION}. ${BUMP}`);
  });

  it("exports exactly the recorded outputs, stream fields and dataset fields in dev and prod", () => {
    for (const run of runs) checkContract(run.stack, run.outputs);
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

  it("fails the real prod outputs with the bump instruction when an output is renamed or a stream field removed", () => {
    const prod = runs[1];
    // The unmodified outputs pass, so what fails below is the rename alone.
    assert.doesNotThrow(() => checkContract("prod", prod.outputs));

    const { streams, ...rest } = prod.outputs;
    assert.throws(() => checkContract("prod", { ...rest, kinesisStreams: streams }), {
      message:
        `prod outputs: contract ${CONTRACT_VERSION} promises streams, which the stack no longer exports. ` +
        "Renaming or removing an output breaks every team that reads it: bump CONTRACT_VERSION in infra/contract.ts, " +
        "record the new keys under that version in infra/contract-history.json, and add a changelog line to README.md.",
    });

    const cartWithoutKey: Record<string, unknown> = { ...(streams as Record<string, Record<string, unknown>>).cart_events };
    delete cartWithoutKey.kmsKeyArn;
    assert.throws(() => checkContract("prod", { ...prod.outputs, streams: { ...(streams as object), cart_events: cartWithoutKey } }), {
      message:
        /^prod streams\.cart_events: contract \S+ promises kmsKeyArn, which the stack no longer exports\. Renaming or removing an output .*bump CONTRACT_VERSION in infra\/contract\.ts.*add a changelog line to README\.md\.$/,
    });
  });
});
