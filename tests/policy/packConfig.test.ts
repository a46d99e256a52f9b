import { strict as assert } from "assert";
import * as fs from "fs";
import { catalogPackConfig, PACK_CONFIG_FILE } from "../../local/packConfig";

describe("policy pack config (policy/pack-config.json)", () => {
  it("holds exactly the catalog's facts the pack checks: run npm run policy:config after editing the catalog", () => {
    assert.deepEqual(JSON.parse(fs.readFileSync(PACK_CONFIG_FILE, "utf8")), catalogPackConfig());
  });

  it("names only policies of the pack", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { POLICY_DEFAULTS } = require("../../policy/config") as typeof import("../../policy/config");
    for (const name of Object.keys(catalogPackConfig())) assert.ok(name in POLICY_DEFAULTS, `${name} is not a policy of the pack`);
  });
});
