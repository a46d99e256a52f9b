/**
 * Reading the facts policies check: tags (a map on classic AWS resources, a [{key,value}] list on
 * aws-native ones) and IAM policy documents (a JSON string or an object). Both arrive wrapped in the
 * engine's unknown-checking proxy, so these helpers only read; they never copy or rewrap.
 */

export type Tags = Readonly<Record<string, string>>;

/**
 * A resource's tags, each value read only when a policy asks for it: in a preview any tag value may be unknown
 * (e.g. a Name built from another resource's output), and reading it makes the engine report the whole policy as
 * "can't be known", i.e. advisory. So an unknown tag a policy does not look at must not disarm it.
 */
export function tagsOf(props: { tags?: unknown }): Tags {
  const tags = props.tags;
  const out: Record<string, string> = {};
  const lazy = (key: string, read: () => unknown) =>
    Object.defineProperty(out, key, { enumerable: true, configurable: true, get: () => String(read()) });
  if (!tags) return out;
  if (Array.isArray(tags)) {
    for (const t of tags) if (t && typeof t.key === "string") lazy(t.key, () => t.value);
    return out;
  }
  if (typeof tags === "object") {
    for (const k of Object.keys(tags as Record<string, unknown>)) lazy(k, () => (tags as Record<string, unknown>)[k]);
  }
  return out;
}

/** A numeric tag: `undefined` when absent, `NaN` when present but not a number. */
export function numericTag(tags: Tags, key: string): number | undefined {
  const raw = tags[key];
  if (raw === undefined) return undefined;
  return /^\s*\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
}

export function isTrue(tags: Tags, key: string): boolean {
  return tags[key]?.toLowerCase() === "true";
}

export interface Statement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Resource?: string | string[];
}

/** Statements of an IAM policy document, however it was written. Unparseable text yields none. */
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
