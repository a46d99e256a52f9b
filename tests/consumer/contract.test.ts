import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ProgramRun } from "../../local/harness";
import { CONTRACT_VERSION } from "../../core/contract";
import { REPO, runStack } from "../support/stacks";

/**
 * The output contract other teams build on. Keys recorded for a contract version may never disappear
 * or change name within that version; a change that needs it bumps CONTRACT_VERSION.
 */
/** A recorded shape: a type name, a one-element list of an element's shape, or an object ('*' = data-keyed map). */
type Shape = string | Shape[] | { [key: string]: Shape };
const history: Record<string, { shapes: Record<string, Shape> }> = JSON.parse(
  fs.readFileSync(path.join(REPO, "core", "contract-history.json"), "utf8"),
);

const BUMP =
  "Renaming or removing an output breaks every team that reads it: bump CONTRACT_VERSION in core/contract.ts, record the new keys under that version in core/contract-history.json, and add a changelog line to README.md.";
const RECORD = "A new output is compatible: record it under the current version in core/contract-history.json and in the README's output table.";

function compare(what: string, recorded: string[], actual: string[]): void {
  const missing = recorded.filter((k) => !actual.includes(k));
  const added = actual.filter((k) => !recorded.includes(k));
  if (missing.length) assert.fail(`${what}: contract ${CONTRACT_VERSION} promises ${missing.join(", ")}, which the stack no longer exports. ${BUMP}`);
  if (added.length) assert.fail(`${what}: ${added.join(", ")} is exported but not recorded for contract ${CONTRACT_VERSION}. ${RECORD}`);
}

/** A value against its recorded shape, all the way down: fixed keys compared as sets, '*' maps entry by entry. */
function checkShape(where: string, shape: Shape, value: unknown): void {
  if (typeof shape === "string") {
    if (typeof value !== shape)
      assert.fail(`${where}: contract ${CONTRACT_VERSION} promises a ${shape}, the stack exports ${JSON.stringify(value)}. ${BUMP}`);
    return;
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) assert.fail(`${where}: contract ${CONTRACT_VERSION} promises a list. ${BUMP}`);
    value.forEach((v, i) => checkShape(`${where}[${i}]`, shape[0], v));
    return;
  }
  if (typeof value !== "object" || value === null) assert.fail(`${where}: contract ${CONTRACT_VERSION} promises an object. ${BUMP}`);
  const entries = Object.entries(value as Record<string, unknown>);
  if ("*" in shape) {
    for (const [key, v] of entries) checkShape(`${where}.${key}`, shape["*"], v);
    return;
  }
  compare(where, Object.keys(shape).sort(), entries.map(([k]) => k).sort());
  for (const [key, v] of entries) checkShape(`${where}.${key}`, shape[key], v);
}

/**
 * The contract check: a stack's outputs (as the program exports them) against the shapes core/contract-history.json
 * records for the current CONTRACT_VERSION, every nested key included. The check lives here, not in product code;
 * the tests below run it on the real dev and prod outputs, and on the real prod outputs with one key renamed.
 */
function checkContract(stack: string, outputs: Record<string, unknown>): void {
  const recorded = history[CONTRACT_VERSION];
  assert.ok(recorded, `core/contract-history.json has no entry for contract ${CONTRACT_VERSION}. ${BUMP}`);
  compare(`${stack} outputs`, Object.keys(recorded.shapes).sort(), Object.keys(outputs).sort());
  for (const [key, value] of Object.entries(outputs)) checkShape(`${stack} ${key}`, recorded.shapes[key], value);
}

describe("output contract", () => {
  const runs: ProgramRun[] = [];
  before(async () => {
    runs.push(await runStack("dev"), await runStack("prod"));
  });

  it("records the current contract version", () => {
    assert.ok(history[CONTRACT_VERSION], `core/contract-history.json has no entry for contract ${CONTRACT_VERSION}. ${BUMP}`);
  });

  it("exports exactly the recorded outputs, stream fields and dataset fields in dev and prod", () => {
    for (const run of runs) checkContract(run.stack, run.outputs);
  });

  it("documents every recorded output and the version in the README", () => {
    const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
    for (const key of Object.keys(history[CONTRACT_VERSION].shapes))
      assert.ok(readme.includes(`\`${key}\``), `README.md's output table lacks \`${key}\``);
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
        "Renaming or removing an output breaks every team that reads it: bump CONTRACT_VERSION in core/contract.ts, " +
        "record the new keys under that version in core/contract-history.json, and add a changelog line to README.md.",
    });

    const cartWithoutKey: Record<string, unknown> = { ...(streams as Record<string, Record<string, unknown>>).cart_events };
    delete cartWithoutKey.kmsKeyArn;
    const gold = prod.outputs.goldChannelMode as Record<string, unknown>;
    assert.throws(
      () => checkContract("prod", { ...prod.outputs, goldChannelMode: { channel: gold.mode, since: gold.since, viewSources: gold.viewSources } }),
      {
        message: /^prod goldChannelMode: contract \S+ promises mode, which the stack no longer exports\. Renaming or removing an output /,
      },
    );
    assert.throws(() => checkContract("prod", { ...prod.outputs, streams: { ...(streams as object), cart_events: cartWithoutKey } }), {
      message:
        /^prod streams\.cart_events: contract \S+ promises kmsKeyArn, which the stack no longer exports\. Renaming or removing an output .*bump CONTRACT_VERSION in core\/contract\.ts.*add a changelog line to README\.md\.$/,
    });
  });
});
