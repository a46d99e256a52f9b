import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { main, parseFreshnessArgs, UsageError } from "../../../local/freshness/cli";

const ROOT = path.resolve(__dirname, "..", "..", "..");

async function exitOf(argv: string[]): Promise<{ code: number; stderr: string }> {
  const lines: string[] = [];
  const { error, log } = console;
  console.error = (...a: unknown[]) => lines.push(a.join(" "));
  console.log = () => undefined;
  try {
    return { code: await main(argv), stderr: lines.join("\n") };
  } finally {
    Object.assign(console, { error, log });
  }
}

describe("freshness CLI", () => {
  it("defaults to prod, seed 1, 48 hours at the declared peaks", () => {
    const o = parseFreshnessArgs([]);
    assert.strictEqual(o.stack, "prod");
    assert.match(o.configFile, /Pulumi\.prod\.yaml$/);
    assert.deepStrictEqual([o.sim.seed, o.sim.hours, o.sim.load, o.sim.phase, o.json], [1, 48, 1, "random", false]);
  });

  const bad: [string[], RegExp][] = [
    [["--seed", "-1"], /--seed "-1" is not a whole number from 0 to 4294967295; pass e\.g\. --seed 7/],
    [["--hours", "abc"], /--hours "abc" is not a whole number from 1 to 720/],
    [["--load", "0"], /--load "0" is not a number above 0 and at most 10/],
    [["--stack", "qa"], /--stack "qa" is not one of prod, dev/],
    [["--phase", "late"], /--phase "late" is not one of random, aligned/],
    [["--rows-per-second", "0"], /--rows-per-second "0" is not a number above 0/],
    [["--config", "/nonexistent/Pulumi.x.yaml"], /--config "\/nonexistent\/Pulumi\.x\.yaml": no such file/],
    [["--bogus"], /unknown option '--bogus'/],
  ];
  for (const [argv, message] of bad) {
    it(`exits 2 naming the option for ${argv.join(" ")}`, async () => {
      assert.throws(
        () => parseFreshnessArgs(argv),
        (e: Error) => e instanceof UsageError && message.test(e.message),
      );
      const r = await exitOf(argv);
      assert.strictEqual(r.code, 2);
      assert.match(r.stderr, message);
    });
  }

  it("prints the JSON with measured and modelled minutes per KPI and the slot's utilisation, exit 0", () => {
    const r = spawnSync(
      process.execPath,
      ["-r", "./local/register.js", "local/freshness/cli.ts", "--stack", "dev", "--hours", "6", "--probes", "200", "--json"],
      {
        cwd: ROOT,
        encoding: "utf8",
      },
    );
    assert.strictEqual(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.strictEqual(out.stack, "dev");
    assert.deepStrictEqual(
      out.kpis.map((k: { kpi: string }) => k.kpi),
      ["conversion_rate", "cart_abandonment", "sku_velocity", "loyalty_redemption_rate", "inventory_fill_rate", "campaign_roas"],
    );
    for (const k of out.kpis) assert.deepStrictEqual(Object.keys(k.measured), ["count", "p50", "p95", "max"]);
    assert.strictEqual(typeof out.slot.utilisation, "number");
  });

  it("exits 1 naming the KPI when the measured max exceeds the model", async () => {
    const r = await exitOf(["--hours", "6", "--probes", "200", "--statement-seconds", "25", "--json"]);
    assert.strictEqual(r.code, 1);
    assert.match(r.stderr, /cart_abandonment measured max .* exceeds the modelled worst case 20 min/);
  });
});
