import { strict as assert } from "assert";
import { byType, ProgramRun } from "../../local/harness";
import { runStack } from "../support/stacks";

const VIEW = "pulumi-nodejs:dynamic/retail:AthenaView";
const MIGRATION = "pulumi-nodejs:dynamic/retail:TableMigration";

describe("schema migrations run before the gold views", () => {
  let run: ProgramRun;
  before(async () => {
    run = await runStack("prod");
  });

  it("every view waits for every table's migration, so a view reading a column added in the same change is created after it", () => {
    const migrations = byType(run, MIGRATION).map((m) => m.urn);
    const views = byType(run, VIEW);
    assert.ok(migrations.length > 0 && views.length > 0);
    for (const v of views) {
      const missing = migrations.filter((m) => !v.dependencies.includes(m));
      assert.deepEqual(missing, [], `${v.name} does not wait for ${missing.join(", ")}`);
    }
  });

  it("migrations run in the operations workgroup (the one whose results the MERGE on S3 Tables accepts)", () => {
    const ops = byType(run, "aws:athena/workgroup:Workgroup").find((w) => w.name.endsWith("-operations"));
    assert.ok(ops, "an operations workgroup");
    for (const m of byType(run, MIGRATION)) assert.equal(m.inputs.workGroup, ops!.inputs.name, m.name);
  });
});
