import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { isConfigSecret } from "../../../infra/config/pulumiInternals";

describe("pulumiInternals: the SDK internals config reading relies on", () => {
  let saved: Record<string, string>;
  let savedSecrets: string[];
  before(() => {
    saved = pulumi.runtime.allConfig();
    savedSecrets = Object.keys(saved).filter((k) => isConfigSecret(k));
  });
  after(() => pulumi.runtime.setAllConfig(saved, savedSecrets));

  it("@pulumi/pulumi/runtime/config still exports isConfigSecret as a function", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const runtimeConfig = require("@pulumi/pulumi/runtime/config");
    assert.equal(typeof runtimeConfig.isConfigSecret, "function", "the SDK dropped isConfigSecret: loadConfig can no longer tell secret keys");
  });

  it("tells the keys the engine holds as secrets from the plain ones", () => {
    pulumi.runtime.setAllConfig({ "retail:emailHashSalt": "s".repeat(40), "retail:environment": "dev" }, ["retail:emailHashSalt"]);
    assert.equal(isConfigSecret("retail:emailHashSalt"), true);
    assert.equal(isConfigSecret("retail:environment"), false);
    assert.equal(isConfigSecret("retail:absent"), false);
  });
});
