/** The three namespaces of the lakehouse; other teams read tables by these names. */
export const NAMESPACES = ["retail_bronze", "retail_silver", "retail_gold"] as const;
export type NamespaceName = (typeof NAMESPACES)[number];
