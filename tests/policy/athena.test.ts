import { strict as assert } from "assert";
import { athenaBytesScannedCutoff, athenaResultsEncrypted, athenaWorkgroupEnforced } from "../../policy/rules/athena";
import { runPolicy } from "./harness";

const workgroup = (configuration: Record<string, any> = {}) => ({
  type: "aws:athena/workgroup:Workgroup",
  name: "kpi",
  props: {
    name: "retail-kpi",
    configuration: {
      enforceWorkgroupConfiguration: true,
      bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
      engineVersion: { selectedEngineVersion: "Athena engine version 3" },
      resultConfiguration: {
        outputLocation: "s3://retail-results/",
        encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k" },
      },
      ...configuration,
    },
  },
});

describe("policy: Athena workgroups", () => {
  it("Compliance: enforced, cut off, encrypted", async () => {
    for (const p of [athenaWorkgroupEnforced, athenaBytesScannedCutoff, athenaResultsEncrypted]) {
      assert.deepEqual((await runPolicy(p, workgroup())).violations, [], p.name);
    }
  });

  it("Noncompliance 1: clients may override the configuration", async () => {
    const out = await runPolicy(athenaWorkgroupEnforced, workgroup({ enforceWorkgroupConfiguration: false }));
    assert.deepEqual(out.violations, [
      'Athena workgroup "kpi" sets configuration.enforceWorkgroupConfiguration = false, so clients can override its cutoff and result encryption. ' +
        "Fix: set enforceWorkgroupConfiguration to true (or omit it: the default is true).",
    ]);
  });

  it("Noncompliance 2: no bytes-scanned cutoff", async () => {
    const out = await runPolicy(athenaBytesScannedCutoff, workgroup({ bytesScannedCutoffPerQuery: undefined }));
    assert.deepEqual(out.violations, [
      'Athena workgroup "kpi" has no bytes-scanned cutoff, so one query can scan the whole lake. ' +
        "Fix: set configuration.bytesScannedCutoffPerQuery between 10000000 and 1099511627776 bytes (retail:athena.bytesScannedCutoffPerQuery in our stacks).",
    ]);
  });

  it("Noncompliance 3: a cutoff above the configured maximum", async () => {
    const out = await runPolicy(athenaBytesScannedCutoff, { ...workgroup(), config: { maxBytesScannedCutoffPerQuery: 1024 ** 3 } });
    assert.match(out.violations[0], /sets bytesScannedCutoffPerQuery = 10737418240, outside 10000000\.\.1073741824\./);
  });

  it("Noncompliance 3b: a cutoff below Athena's 10 MB minimum; the minimum itself is accepted", async () => {
    const out = await runPolicy(athenaBytesScannedCutoff, workgroup({ bytesScannedCutoffPerQuery: 9_999_999 }));
    assert.deepEqual(out.violations, [
      'Athena workgroup "kpi" sets bytesScannedCutoffPerQuery = 9999999, outside 10000000..1099511627776. ' +
        "Fix: set configuration.bytesScannedCutoffPerQuery between 10000000 and 1099511627776 bytes (retail:athena.bytesScannedCutoffPerQuery in our stacks).",
    ]);
    assert.deepEqual((await runPolicy(athenaBytesScannedCutoff, workgroup({ bytesScannedCutoffPerQuery: 10_000_000 }))).violations, []);
  });

  it("Noncompliance 4: results not encrypted", async () => {
    const out = await runPolicy(athenaResultsEncrypted, workgroup({ resultConfiguration: { outputLocation: "s3://retail-results/" } }));
    assert.deepEqual(out.violations, [
      'Athena workgroup "kpi" has result encryption null; query results must be encrypted with one of SSE_S3, SSE_KMS, CSE_KMS. ' +
        "Fix: set configuration.resultConfiguration.encryptionConfiguration.encryptionOption (SSE_KMS with a key, or SSE_S3).",
    ]);
  });
});
