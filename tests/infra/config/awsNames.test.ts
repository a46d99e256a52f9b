import { strict as assert } from "assert";
import { decodeConfigValue, parsePlatformConfig } from "../../../infra/config";
import { derivedNames } from "../../../infra/config/awsNames";
import { byType, ProgramRun } from "../../../local/harness";
import { runStack, stackConfig, TEST_SALT } from "../../support/stacks";

/** The names config validation derives for a committed stack. */
function derivedFor(stack: "dev" | "prod") {
  const raw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(stackConfig(stack))) {
    if (k.startsWith("retail:") && k !== "retail:emailHashSalt") raw[k.slice("retail:".length)] = decodeConfigValue(v);
  }
  const cfg = parsePlatformConfig(raw, { project: "retail-analytics", stack, region: "us-east-1", emailHashSalt: TEST_SALT });
  return derivedNames({
    environment: cfg.environment,
    dataProducts: raw.dataProducts as { name: string }[],
    streams: cfg.streams,
    batches: cfg.batches,
    ownerTeams: Object.keys(cfg.quicksight.ownerGroups),
  });
}

/** The input a component would set to name the resource itself; absent, Pulumi autonames it from the logical name. */
const EXPLICIT_NAME_INPUT: Record<string, string> = {
  "aws:s3/bucket:Bucket": "bucket",
  "aws:cloudwatch/eventTarget:EventTarget": "targetId",
};
const nameInput = (type: string) => EXPLICIT_NAME_INPUT[type] ?? "name";

/** Types whose every resource is derived; alarms are also made per KPI and reconciled table, which config does not name. */
const PARTIAL_TYPES = new Set(["aws:cloudwatch/metricAlarm:MetricAlarm"]);

describe("config: derived AWS names are the names the program gives its resources", () => {
  for (const stack of ["dev", "prod"] as const) {
    it(`${stack}: every derived name is a resource of that type and logical name, named by Pulumi or explicitly as derived`, async () => {
      const run: ProgramRun = await runStack(stack);
      const derived = derivedFor(stack);
      assert.ok(derived.length > 40, `${derived.length} names`);
      for (const d of derived) {
        const r = run.resources.find((x) => x.type === d.type && x.name === d.logicalName);
        assert.ok(r, `${stack}: no ${d.type} named ${d.logicalName}`);
        const explicit = r.inputs[nameInput(d.type)];
        if (d.physicalName === `${d.logicalName}-xxxxxxx`) {
          assert.equal(explicit, undefined, `${d.logicalName}: derived as autonamed, but the component names it ${explicit}`);
        } else {
          assert.equal(explicit, d.physicalName, `${d.type} ${d.logicalName}`);
        }
      }
    });

    it(`${stack}: every resource of a derived type has its name derived`, async () => {
      const run = await runStack(stack);
      const derived = derivedFor(stack);
      for (const type of new Set(derived.map((d) => d.type))) {
        if (PARTIAL_TYPES.has(type)) continue;
        const expected = derived
          .filter((d) => d.type === type)
          .map((d) => d.logicalName)
          .sort();
        assert.deepEqual(
          byType(run, type)
            .map((r) => r.name)
            .sort(),
          expected,
          `${stack} ${type}`,
        );
      }
    });
  }
});
