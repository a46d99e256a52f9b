/** The IAM actions and condition keys a plan writes, wherever a resource carries them, each with where it was found. */

export interface PlannedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
}

export interface Found {
  readonly value: string;
  /** `type name input.path[Sid]`, enough to find the statement in the program. */
  readonly where: string;
}

export interface PolicyDocumentRef {
  readonly where: string;
  readonly statements: Record<string, any>[];
}

function parsedDocument(value: unknown): { Statement: unknown } | undefined {
  if (typeof value === "string") {
    if (!value.includes("Statement")) return undefined;
    try {
      return parsedDocument(JSON.parse(value));
    } catch {
      return undefined;
    }
  }
  return value !== null && typeof value === "object" && !Array.isArray(value) && "Statement" in value ? (value as { Statement: unknown }) : undefined;
}

/**
 * Every policy document in a resource's inputs, found by shape (a Statement, as an object or a JSON string) at any
 * depth, so a resource type nobody listed (aws-native roles, a topic's own policy, inline role policies) is not missed.
 */
export function policyDocuments(resources: readonly PlannedResource[]): PolicyDocumentRef[] {
  const docs: PolicyDocumentRef[] = [];
  const walk = (value: unknown, where: string) => {
    const doc = parsedDocument(value);
    if (doc) {
      const st = doc.Statement;
      docs.push({ where, statements: (Array.isArray(st) ? st : [st]) as Record<string, any>[] });
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${where}[${i}]`));
    else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, `${where}.${k}`);
  };
  for (const r of resources) walk(r.inputs, `${r.type} ${r.name} inputs`);
  return docs;
}

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);
const label = (where: string, st: Record<string, any>, i: number) => `${where} Statement[${i}]${st.Sid ? ` (${st.Sid})` : ""}`;

/**
 * Dashboard permission actions QuickSight accepts that are no IAM action: a dashboard viewer's set is DescribeDashboard,
 * ListDashboardVersions and QueryDashboard (docs.aws.amazon.com/quicksight/latest/developerguide/update-dashboard-permissions.html),
 * and the service authorization reference lists no QueryDashboard. In an IAM policy they still fail.
 */
export const QUICKSIGHT_PERMISSION_ONLY_ACTIONS: readonly string[] = ["quicksight:QueryDashboard"];

/** Action and NotAction of every statement, the action a Lambda permission grants, and QuickSight permissions' IAM actions. */
export function plannedActions(resources: readonly PlannedResource[]): Found[] {
  const found: Found[] = [];
  for (const doc of policyDocuments(resources)) {
    doc.statements.forEach((st, i) => {
      for (const key of ["Action", "NotAction"]) for (const value of list(st[key])) found.push({ value, where: `${label(doc.where, st, i)}.${key}` });
    });
  }
  // A Lambda permission is a resource-policy statement written as a resource of its own.
  for (const r of resources) {
    if (/:lambda[:/]permission:Permission$/i.test(r.type) && r.inputs.action !== undefined) {
      found.push({ value: String(r.inputs.action), where: `${r.type} ${r.name} inputs.action` });
    }
    // QuickSight's ResourcePermission.Actions are IAM action names (classic and aws-native write them alike), but for
    // the few QuickSight grants only on its own resources (QUICKSIGHT_PERMISSION_ONLY_ACTIONS).
    if (/:quicksight[:/]/.test(r.type) && Array.isArray(r.inputs.permissions)) {
      r.inputs.permissions.forEach((p: { actions?: unknown }, i: number) => {
        for (const value of list(p.actions).filter((a) => !QUICKSIGHT_PERMISSION_ONLY_ACTIONS.includes(a)))
          found.push({ value, where: `${r.type} ${r.name} inputs.permissions[${i}].actions` });
      });
    }
  }
  return found;
}

/** The keys of every statement's Condition block, under whichever operator they sit. */
export function plannedConditionKeys(resources: readonly PlannedResource[]): Found[] {
  const found: Found[] = [];
  for (const doc of policyDocuments(resources)) {
    doc.statements.forEach((st, i) => {
      for (const [operator, block] of Object.entries((st.Condition ?? {}) as Record<string, Record<string, unknown>>)) {
        for (const key of Object.keys(block ?? {})) found.push({ value: key, where: `${label(doc.where, st, i)}.Condition.${operator}` });
      }
    });
  }
  return found;
}
