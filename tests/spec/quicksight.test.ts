import { strict as assert } from "assert";
import { ProgramRun } from "../../local/harness";
import { runStack } from "../support/stacks";
import { PlannedResource } from "./policyDocuments";

/** QuickSight's API caps a topic's Description and a topic data set's DatasetDescription at 256 characters. */
const DESCRIPTION_MAX = 256;

/** Every string input whose name ends in "description" on a QuickSight resource (classic or aws-native), with its path. */
function descriptions(resources: readonly PlannedResource[]): { where: string; text: string }[] {
  const found: { where: string; text: string }[] = [];
  const walk = (value: unknown, key: string, where: string) => {
    if (typeof value === "string" && /description$/i.test(key)) found.push({ where, text: value });
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, key, `${where}[${i}]`));
    else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, k, `${where}.${k}`);
  };
  for (const r of resources.filter((r) => /^aws(-native)?:quicksight[:/]/.test(r.type))) walk(r.inputs, "", `${r.type} ${r.name} inputs`);
  return found;
}

/** One line per description QuickSight would refuse; UTF-16 units are never fewer than characters, so this errs strict. */
function tooLong(resources: readonly PlannedResource[]): string[] {
  return descriptions(resources)
    .map((d) => ({ ...d, length: d.text.length }))
    .filter((d) => d.length > DESCRIPTION_MAX)
    .map((d) => `${d.where} is ${d.length} characters; QuickSight takes at most ${DESCRIPTION_MAX}`);
}

for (const stack of ["dev", "prod"] as const) {
  describe(`spec (QuickSight): descriptions in the ${stack} plan fit QuickSight's 256 characters`, () => {
    let run: ProgramRun;
    before(async () => {
      run = await runStack(stack);
    });

    it("every description on a QuickSight resource is at most 256 characters", () => {
      const found = descriptions(run.resources);
      assert.ok(
        found.some((d) => d.where.endsWith("inputs.description")) && found.some((d) => d.where.endsWith(".datasetDescription")),
        `expected the topics' descriptions, found ${found.map((d) => d.where).join(", ")}`,
      );
      assert.deepEqual(tooLong(run.resources), []);
    });
  });
}

describe("spec (QuickSight): control cases the check must reject", () => {
  const topic = (description: string): PlannedResource => ({
    type: "aws-native:quicksight:Topic",
    name: "t",
    inputs: { description, dataSets: [{ datasetArn: "arn", datasetDescription: description }] },
  });

  it("rejects 257 characters on the topic and its data set; accepts 256", () => {
    assert.deepEqual(tooLong([topic("x".repeat(257))]), [
      "aws-native:quicksight:Topic t inputs.description is 257 characters; QuickSight takes at most 256",
      "aws-native:quicksight:Topic t inputs.dataSets[0].datasetDescription is 257 characters; QuickSight takes at most 256",
    ]);
    assert.deepEqual(tooLong([topic("x".repeat(256))]), []);
  });

  it("looks at classic QuickSight resources too, and at no other service", () => {
    const classic: PlannedResource = { type: "aws:quicksight/dataSet:DataSet", name: "d", inputs: { description: "y".repeat(300) } };
    const other: PlannedResource = { type: "aws:glue/job:Job", name: "j", inputs: { description: "y".repeat(300) } };
    assert.deepEqual(tooLong([classic, other]), [
      "aws:quicksight/dataSet:DataSet d inputs.description is 300 characters; QuickSight takes at most 256",
    ]);
  });
});
