import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, loadConfig } from "../../../infra/config";
import { isConfigSecret } from "../../../infra/config/pulumiInternals";
import { KpiCatalogError } from "../../../core/kpiCatalog";
import { stackConfig } from "../../support/stacks";

/** loadConfig as the program calls it, on the engine's config: the catalog fit is part of it, so it fails before any resource. */
describe("loadConfig: the config's fit with the KPI catalog, before any resource", () => {
  let saved: Record<string, string>;
  let savedSecrets: string[];
  before(async () => {
    saved = pulumi.runtime.allConfig();
    savedSecrets = Object.keys(saved).filter((k) => isConfigSecret(k));
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          throw new Error(`loadConfig created ${args.type} ${args.name}`);
        },
        call: () => ({}),
      },
      "retail-analytics",
      "prod",
    );
  });
  after(() => pulumi.runtime.setAllConfig(saved, savedSecrets));

  const load = (overrides: Record<string, unknown>) => {
    pulumi.runtime.setAllConfig(stackConfig("prod", overrides), ["retail:emailHashSalt"]);
    return loadConfig();
  };
  const quicksight = (change: (q: Record<string, any>) => void) => {
    const q = JSON.parse(stackConfig("prod")["retail:quicksight"]);
    change(q);
    return { "retail:quicksight": q };
  };

  it("loads the committed prod config", () => {
    assert.equal(load({}).environment, "prod");
  });

  it("throws the catalog's error for a SPICE cap below a pinned KPI's rows and for a product the catalog reads but the stack lacks", () => {
    assert.throws(
      () => load(quicksight((q) => (q.spiceRowCap = 10))),
      (e: KpiCatalogError) => /expects 30000 rows, above the SPICE cap of 10/.test(e.problems[0]),
    );
    const products = JSON.parse(stackConfig("prod")["retail:dataProducts"]).filter((p: { name: string }) => p.name !== "erp_inventory");
    assert.throws(
      () => load({ "retail:dataProducts": products, "retail:network": undefined }),
      (e: KpiCatalogError) => e instanceof KpiCatalogError && /KPI "inventory_fill_rate" reads "erp_inventory"/.test(e.problems[0]),
    );
  });

  it("throws a ConfigError for an owner team no KPI uses", () => {
    assert.throws(
      () => load(quicksight((q) => (q.ownerGroups.Finance = "finance-analysts"))),
      (e: ConfigError) => e instanceof ConfigError && /^retail:quicksight\.ownerGroups: "Finance" owns no KPI/.test(e.problems[0]),
    );
  });
});
