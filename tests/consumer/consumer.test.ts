import { strict as assert } from "assert";
import * as path from "path";
import { ProgramRun, runProgram } from "../../local/harness";
import { checkContract, ContractError } from "../../consumer/retailPlatform";
import { CONTRACT_VERSION, PlatformOutputs } from "../../core/contract";
import { plan } from "../../local/plan";
import { named, REPO, runStack } from "../support/stacks";

const EXAMPLE = path.join(REPO, "examples", "cart-producer", "index.ts");
const PLATFORM_STACK = "org/retail-analytics/prod";

function runExample(answer: Record<string, unknown>): Promise<ProgramRun> {
  return runProgram({
    stack: "dev",
    project: "cart-producer",
    config: { "aws:region": "us-east-1", "cart-producer:platformStack": PLATFORM_STACK },
    program: EXAMPLE,
    stackReferences: { [PLATFORM_STACK]: answer },
  });
}

describe("consumer helper and example", () => {
  let prod: ProgramRun;
  before(async () => {
    prod = await runStack("prod");
  });

  it("runs the producer example against the real prod plan's outputs", async () => {
    const run = await runExample(prod.outputs);
    const cart = (prod.outputs.streams as PlatformOutputs["streams"]).cart_events;
    const fn = named(run, "aws:lambda/function:Function", "cart-producer");
    assert.equal(fn.inputs.environment.variables.STREAM_NAME, cart.streamName);
    const doc = JSON.parse(named(run, "aws:iam/rolePolicy:RolePolicy", "cart-producer").inputs.policy);
    assert.deepEqual(doc.Statement[0].Resource, [cart.streamArn]);
    assert.deepEqual(doc.Statement[1].Resource, [cart.kmsKeyArn]);
    assert.equal(run.outputs.platformContract, CONTRACT_VERSION);
    const ds = named(run, "aws:quicksight/dataSet:DataSet", "sku-top-movers");
    const inventory = (prod.outputs.quicksightDataSources as PlatformOutputs["quicksightDataSources"]).Inventory;
    assert.equal(ds.inputs.physicalTableMaps[0].customSql.dataSourceArn, inventory.arn);
    assert.match(ds.inputs.physicalTableMaps[0].customSql.sqlQuery, /FROM retail_gold\.sku_velocity WHERE day >= /);
  });

  it("fails the consumer's run with a clear message when the stack has no contractVersion", async () => {
    const { contractVersion: _v, ...withoutVersion } = prod.outputs;
    void _v;
    await assert.rejects(runExample(withoutVersion), /org\/retail-analytics\/prod exports no contractVersion/);
  });

  it("fails on an incompatible contract version and says which way to move", () => {
    assert.throws(
      () => checkContract("s", { contractVersion: "2" }),
      (e: Error) => e instanceof ContractError && /upgrade the helper/.test(e.message),
    );
    assert.throws(() => checkContract("s", { contractVersion: "0" }), /downgrade the helper/);
  });

  it("names the available products when a consumer asks for one that does not exist", async () => {
    const streams = { pos_transactions: (prod.outputs.streams as PlatformOutputs["streams"]).pos_transactions };
    await assert.rejects(runExample({ ...prod.outputs, streams }), /has no streaming data product "cart_events"\. Available: pos_transactions\./);
  });

  it("passes our policy pack through `plan --program`, its StackReference answered by the platform's own plan", async () => {
    const outcome = await plan({ stack: "prod", program: EXAMPLE, cwd: REPO });
    assert.ok("report" in outcome, JSON.stringify(outcome));
    assert.equal(outcome.exitCode, 0);
    assert.ok(outcome.report.assumptions.some((a) => a.includes("retail-analytics/prod were answered with this platform's own prod plan")));
    const lambda = outcome.report.resources.find((r) => r.type === "aws:lambda/function:Function")!;
    const cart = (prod.outputs.streams as PlatformOutputs["streams"]).cart_events;
    assert.equal((lambda.inputs as any).environment.variables.STREAM_NAME, cart.streamName);
    assert.deepEqual(outcome.report.policies.violations, []);
  });
});
