import * as lakeformation from "@pulumi/aws/lakeformation";
import * as lakeformationNative from "@pulumi/aws-native/lakeformation";
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { policyHeader, settingsFor } from "../config";

/**
 * Personal data stays with the roles that process it: a Lake Formation grant on a table the platform marks as PII
 * (its DDL header `pii=`, written into the pack config by `npm run policy:config`) to any principal outside that
 * table's readers is a violation, whether it names the table, some of its columns, or every table of its namespace.
 * Only the platform's definitions say what is PII and who may read it; the grant cannot vouch for itself.
 */

/** One PII table as the platform defines it (local/packConfig.ts writes these from sql/). */
interface PiiTable {
  /** Role-name parts of the principals allowed on the table, e.g. `ops-merge`. */
  readonly readers: readonly string[];
  readonly source?: string;
}

/** What a grant reaches, as either resource type writes it; undefined when it reaches no table's data. */
interface GrantFacts {
  readonly principal: string;
  readonly namespace: string;
  /** Undefined for a grant on every table of the namespace. */
  readonly table?: string;
  readonly permissions: readonly string[];
}

/** A role's name from its ARN (path dropped), or undefined for any other kind of principal. */
function roleName(principal: string): string | undefined {
  const m = /^arn:[^:]+:iam::\d{12}:role\/(?:.*\/)?([^/]+)$/.exec(principal);
  return m?.[1];
}

/** A role name carries a reader part as whole "-"-separated words: `retail-prod-ops-merge-1a2b3c4` carries `ops-merge`. */
function carries(name: string, reader: string): boolean {
  return `-${name}-`.includes(`-${reader}-`);
}

function judge(g: GrantFacts | undefined, args: ResourceValidationArgs, report: ReportViolation): void {
  if (!g) return args.notApplicable("grants no table data (a database, data location or LF-tag grant)");
  const { tables } = settingsFor<{ tables: Record<string, PiiTable> }>("lakeformation-pii-grants", args);
  const reached = Object.keys(tables).filter((fq) => (g.table === undefined ? fq.startsWith(`${g.namespace}.`) : fq === `${g.namespace}.${g.table}`));
  if (reached.length === 0) return args.notApplicable("reaches no table the platform marks as PII");
  const role = roleName(g.principal);
  for (const fq of reached) {
    const { readers, source } = tables[fq];
    if (role !== undefined && readers.some((r) => carries(role, r))) continue;
    const what = g.table === undefined ? `every table of ${g.namespace}, PII table ${fq} included` : `PII table ${fq}`;
    const who = role === undefined ? `principal ${JSON.stringify(g.principal)}, which is not an IAM role` : `role ${role}`;
    report(
      `Lake Formation grant "${args.name}" gives ${who} ${JSON.stringify(g.permissions)} on ${what}; ` +
        `${source ?? "the pack config"} allows only roles named with ${readers.join(", ")}. ` +
        `Fix: grant only the tables this principal's work reads (QuickSight: the gold views' inputs), or add the role to the table's pii= readers if it must process personal data.`,
    );
  }
}

export const lakeFormationPiiGrants: ResourceValidationPolicy = {
  ...policyHeader("lakeformation-pii-grants", "Lake Formation grants on PII tables go only to the principals the platform allows for each table."),
  validateResource: [
    validateResourceOfType(lakeformation.Permissions, (p, args, report) => {
      const t = p.table ?? p.tableWithColumns;
      const facts = t && { principal: p.principal, namespace: t.databaseName, table: t.wildcard ? undefined : t.name, permissions: p.permissions };
      judge(facts, args, report);
    }),
    validateResourceOfType(lakeformationNative.PrincipalPermissions, (p, args, report) => {
      const t = p.resource.table ?? p.resource.tableWithColumns;
      const wildcard = p.resource.table?.tableWildcard !== undefined;
      const facts = t && {
        principal: p.principal.dataLakePrincipalIdentifier ?? "",
        namespace: t.databaseName,
        table: wildcard ? undefined : t.name,
        permissions: p.permissions,
      };
      judge(facts, args, report);
    }),
  ],
};

export const lakeFormationPolicies = [lakeFormationPiiGrants];
