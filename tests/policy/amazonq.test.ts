import { strict as assert } from "assert";
import { TAG } from "../../core/tags";
import { catalogPackConfig } from "../../local/packConfig";
import { amazonQTopicStewardApproved } from "../../policy/rules/amazonq";
import { runPolicy, tagList } from "./harness";

// The settings `npm run policy:config` writes from the catalog: cart_abandonment approved, inventory_fill_rate not.
const CONFIG = catalogPackConfig()["amazon-q-topic-steward-approved"];
const topic = (tags: Record<string, string>, config: Record<string, unknown> = CONFIG) => ({
  type: "aws-native:quicksight:Topic",
  name: "kpi-q",
  props: { topicId: "kpi", name: "KPI", tags: tagList(tags) },
  config,
});

describe("policy: Amazon Q topics only on KPIs the catalog approves", () => {
  it("Compliance: a KPI the catalog approves, whatever the topic's own tag says", async () => {
    assert.deepEqual((CONFIG.approvedKpis as string[]).includes("cart_abandonment"), true);
    for (const approved of ["true", "false"]) {
      const out = await runPolicy(amazonQTopicStewardApproved, topic({ [TAG.kpi]: "cart_abandonment", [TAG.stewardApproved]: approved }));
      assert.deepEqual(out.violations, []);
    }
  });

  it("Noncompliance 1: a topic that calls itself steward-approved on a KPI the catalog does not approve", async () => {
    assert.deepEqual((CONFIG.unapprovedKpis as string[]).includes("inventory_fill_rate"), true);
    const out = await runPolicy(amazonQTopicStewardApproved, topic({ [TAG.kpi]: "inventory_fill_rate", [TAG.stewardApproved]: "true" }));
    assert.equal(amazonQTopicStewardApproved.enforcementLevel, "mandatory");
    assert.deepEqual(out.violations, [
      'Amazon Q topic "kpi-q" covers KPI "inventory_fill_rate", which is not steward-approved in the KPI catalog (retail-kpi-catalog.csv); ' +
        "only steward-approved KPIs get a topic, whatever the topic's own retail:steward-approved tag says. " +
        "Fix: get the KPI definition approved by its steward (steward_approved = true in the KPI catalog, then npm run policy:config), or remove the topic.",
    ]);
  });

  it("Noncompliance 2: a KPI the catalog does not have", async () => {
    const out = await runPolicy(amazonQTopicStewardApproved, topic({ [TAG.kpi]: "basket_size", [TAG.stewardApproved]: "true" }));
    assert.match(out.violations[0], /covers KPI "basket_size", which is not in the KPI catalog \(retail-kpi-catalog\.csv\)/);
  });

  it("Noncompliance 3: no KPI tag at all", async () => {
    const out = await runPolicy(amazonQTopicStewardApproved, topic({}));
    assert.match(out.violations[0], /^Amazon Q topic "kpi-q" has no retail:kpi tag/);
  });

  it("Noncompliance 4: no catalog configured", async () => {
    const out = await runPolicy(amazonQTopicStewardApproved, topic({ [TAG.kpi]: "cart_abandonment", [TAG.stewardApproved]: "true" }, {}));
    assert.match(out.violations[0], /but no KPI catalog is configured, .* Fix: pass --policy-pack-config policy\/pack-config\.json/);
  });
});
