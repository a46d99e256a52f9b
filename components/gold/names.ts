/** Workgroup suffix of the platform's view DDL. */
export const PLATFORM = "platform";
/** Workgroup suffix of the Operations handlers' queries. */
export const OPERATIONS = "operations";
/** Workgroup suffixes the layer uses itself, so no owner team may take them. */
export const RESERVED_SUFFIXES: readonly string[] = [PLATFORM, OPERATIONS];

/** Workgroup and data-source name part for a team: "Supply chain" → "supply-chain". */
export function teamSlug(team: string): string {
  return team
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}
