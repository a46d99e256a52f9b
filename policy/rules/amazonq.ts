import * as quicksightNative from "@pulumi/aws-native/quicksight";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { TAG } from "../../core/tags";
import { policyHeader, settingsFor } from "../config";
import { tagsOf } from "./facts";

/**
 * Amazon Q answers in plain language from a topic: on an ambiguous KPI that amplifies distrust (the seed).
 * Approval is the catalog's word, handed to the pack as config; the topic's own steward-approved tag is not read.
 */

export const amazonQTopicStewardApproved: ResourceValidationPolicy = {
  ...policyHeader("amazon-q-topic-steward-approved", `Amazon Q topics only cover KPIs the KPI catalog (pack config) marks steward-approved.`),
  validateResource: validateResourceOfType(quicksightNative.Topic, (topic, args, report) => {
    const { approvedKpis, unapprovedKpis, catalog } = settingsFor<{ approvedKpis: string[]; unapprovedKpis: string[]; catalog: string }>(
      "amazon-q-topic-steward-approved",
      args,
    );
    const kpi = tagsOf(topic, args.provider)[TAG.kpi];
    if (!kpi) {
      return report(
        `Amazon Q topic "${args.name}" has no ${TAG.kpi} tag, so its KPI's steward approval cannot be checked. ` +
          `Fix: tag it ${TAG.kpi} with the catalog KPI it answers.`,
      );
    }
    if (approvedKpis.includes(kpi)) return;
    if (approvedKpis.length === 0 && unapprovedKpis.length === 0) {
      return report(
        `Amazon Q topic "${args.name}" covers KPI "${kpi}", but no KPI catalog is configured, so its steward approval cannot be checked. ` +
          `Fix: pass --policy-pack-config policy/pack-config.json (written from the catalog by npm run policy:config).`,
      );
    }
    const status = unapprovedKpis.includes(kpi)
      ? `is not steward-approved in the KPI catalog (${catalog})`
      : `is not in the KPI catalog (${catalog})`;
    report(
      `Amazon Q topic "${args.name}" covers KPI "${kpi}", which ${status}; only steward-approved KPIs get a topic, whatever the topic's own ${TAG.stewardApproved} tag says. ` +
        `Fix: get the KPI definition approved by its steward (steward_approved = true in the KPI catalog, then npm run policy:config), or remove the topic.`,
    );
  }),
};

export const amazonQPolicies = [amazonQTopicStewardApproved];
