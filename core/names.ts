/** Resource-name fragment for a data product or KPI: hyphens read better in AWS consoles than underscores. */
export function slug(name: string): string {
  return name.replace(/_/g, "-");
}

/** The logical-name prefix of every resource of an environment, e.g. retail-prod. */
export function platformPrefix(environment: string): string {
  return `retail-${environment}`;
}

/** Workgroup and data-source name part for an owner team: "Supply chain" → "supply-chain". */
export function teamSlug(team: string): string {
  return team
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/**
 * Random characters Pulumi's default autonaming appends, after a "-", to the logical name of a resource given no
 * explicit name (https://www.pulumi.com/docs/iac/concepts/resources/names/#autonaming; pulumi-aws passes 7 to the
 * bridge's AutoName, and its error reads "name '…-' plus 7 random chars is longer than maximum length 63").
 */
export const AUTONAME_RANDOM_CHARS = 7;

/** The physical name Pulumi gives an autonamed resource, its random part written as x's: same length, stable text. */
export function autonamed(logicalName: string): string {
  return `${logicalName}-${"x".repeat(AUTONAME_RANDOM_CHARS)}`;
}

/** Workgroup suffix of the platform's view DDL. */
export const PLATFORM_WORKGROUP = "platform";
/** Workgroup suffix of the Operations handlers' queries. */
export const OPERATIONS_WORKGROUP = "operations";
/** Workgroup suffixes the gold layer uses itself, so no owner team may take them. */
export const RESERVED_WORKGROUP_SUFFIXES: readonly string[] = [PLATFORM_WORKGROUP, OPERATIONS_WORKGROUP];
