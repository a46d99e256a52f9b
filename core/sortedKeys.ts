/**
 * The value with every object's keys in code-point order (arrays keep their order, undefined members go): its
 * JSON.stringify is canonical, so a definition or dashboard body built from the same facts is byte-identical and a
 * preview shows no diff.
 */
export function sortedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortedKeys) as T;
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sortedKeys(v)])) as T;
}
