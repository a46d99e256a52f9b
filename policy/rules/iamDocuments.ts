import { peek } from "./facts";

/**
 * IAM policy documents as AWS evaluates them: a JSON string or an object, one statement or a list, Action or
 * NotAction, Resource or NotResource, wildcards `*` and `?` in actions, action names case-insensitive.
 * See the IAM JSON policy elements reference (docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html).
 */

export interface Statement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** Statements of an IAM policy document, however it was written. Unparseable text yields none (IAM rejects it). */
export function statementsOf(doc: unknown): Statement[] {
  let parsed: unknown = doc;
  if (typeof doc === "string") {
    try {
      parsed = JSON.parse(doc);
    } catch {
      return [];
    }
  }
  const statement = (parsed as { Statement?: unknown } | undefined)?.Statement;
  if (!statement) return [];
  return (Array.isArray(statement) ? statement : [statement]) as Statement[];
}

export function asList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? [...v] : [v];
}

/** How a statement is named in messages: its Sid when it has one, else its position. */
export function statementLabel(s: Statement, index: number): string {
  return s.Sid ? `statement "${s.Sid}"` : `statement #${index + 1}`;
}

/** IAM's wildcard match: `*` any run of characters, `?` one, case-insensitive (as IAM matches action names). */
export function iamMatches(pattern: string, value: string): boolean {
  const re = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${re}$`, "i").test(value);
}

/** An action pattern that is not confined to one service: "*", "*:*", "s*:Get*". */
export function spansServices(action: string): boolean {
  const colon = action.indexOf(":");
  return colon < 0 ? /[*?]/.test(action) : /[*?]/.test(action.slice(0, colon));
}

/** An action pattern that grants a whole service: "iam:*", "kms:**". */
export function wholeService(action: string): boolean {
  const colon = action.indexOf(":");
  return colon > 0 && !spansServices(action) && /^\*+$/.test(action.slice(colon + 1));
}

export const serviceOf = (action: string) => action.split(":")[0].toLowerCase();

/**
 * Whether a statement applies to every resource: Resource "*" or NotResource (everything but a list), and how its
 * resources read in a message. A Resource unknown in preview is reported as such, never read as a pass.
 */
export function resourceScope(s: Statement): { all: boolean | "unknown"; text: string } {
  const notResource = peek(() => s.NotResource);
  if (!notResource.known) return { all: "unknown", text: "a NotResource unknown until the update" };
  if (notResource.value !== undefined) return { all: true, text: `every resource except ${JSON.stringify(notResource.value)}` };
  const resource = peek(() => asList(s.Resource));
  if (!resource.known) return { all: "unknown", text: "a Resource unknown until the update" };
  return { all: resource.value.includes("*"), text: `Resource ${JSON.stringify(s.Resource ?? null)}` };
}

/** Condition keys that narrow who may act (organisation, account, source, external id): a wildcard principal under one of them is not public. */
const WHO_KEYS = [
  "aws:principalorgid",
  "aws:principalorgpaths",
  "aws:principalaccount",
  "aws:principalarn",
  "aws:sourceaccount",
  "aws:sourcearn",
  "aws:sourceorgid",
  "aws:sourceorgpaths",
  "aws:sourceowner",
  "sts:externalid",
];

export function conditionNarrowsPrincipal(s: Statement): boolean {
  const condition = s.Condition;
  if (!condition || typeof condition !== "object") return false;
  return Object.values(condition).some(
    (byKey) => byKey && typeof byKey === "object" && Object.keys(byKey).some((k) => WHO_KEYS.includes(k.toLowerCase())),
  );
}

/** Whether a statement's Principal admits anyone: "*", {AWS: "*"} (alone or in a list), or NotPrincipal (everyone but a list). */
export function admitsAnyone(s: Statement): string | undefined {
  if (s.NotPrincipal !== undefined) return `NotPrincipal ${JSON.stringify(s.NotPrincipal)} (everyone else)`;
  const p = s.Principal;
  if (p === "*") return 'Principal "*"';
  if (p && typeof p === "object") {
    for (const [kind, value] of Object.entries(p as Record<string, unknown>)) {
      const values = Array.isArray(value) ? value : [value];
      if (values.includes("*")) return `Principal {${kind}: "*"}`;
    }
  }
  return undefined;
}
