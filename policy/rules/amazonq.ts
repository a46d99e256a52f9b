import * as quicksightNative from "@pulumi/aws-native/quicksight";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { TAG } from "../../core/tags";
import { policyHeader } from "../config";
import { tagsOf } from "./facts";

/** Amazon Q answers in plain language from a topic: on an ambiguous KPI that amplifies distrust (the seed). */

export const amazonQTopicStewardApproved: ResourceValidationPolicy = {
  ...policyHeader("amazon-q-topic-steward-approved", `Amazon Q topics only cover KPIs tagged ${TAG.stewardApproved} = true.`),
  validateResource: validateResourceOfType(quicksightNative.Topic, (topic, args, report) => {
    const tags = tagsOf(topic);
    const kpi = tags[TAG.kpi];
    const approved = tags[TAG.stewardApproved];
    if (!kpi) {
      report(
        `Amazon Q topic "${args.name}" has no ${TAG.kpi} tag, so its KPI's steward approval cannot be checked. ` +
          `Fix: tag it ${TAG.kpi} with the catalog KPI it answers, and ${TAG.stewardApproved} from the catalog.`,
      );
    } else if (approved?.toLowerCase() !== "true") {
      report(
        `Amazon Q topic "${args.name}" covers KPI "${kpi}" with ${TAG.stewardApproved} = ${JSON.stringify(approved ?? null)}; only steward-approved KPIs get a topic. ` +
          `Fix: get the KPI definition approved by its steward (steward-approved = true in the KPI catalog), or remove the topic.`,
      );
    }
  }),
};

export const amazonQPolicies = [amazonQTopicStewardApproved];
