/** Resource-name fragment for a data product or KPI: hyphens read better in AWS consoles than underscores. */
export function slug(name: string): string {
  return name.replace(/_/g, "-");
}
