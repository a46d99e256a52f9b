import { PolicyProviderResource, UnknownValueError } from "@pulumi/policy";

/**
 * Reading the facts policies check: tags (a map on classic AWS resources, a [{key,value}] list on
 * aws-native ones, plus the provider's defaultTags) and numbers written in them. Everything arrives wrapped
 * in the engine's unknown-checking proxy, so these helpers only read; they never copy or rewrap.
 */

export type Tags = Readonly<Record<string, string>>;

/** A provider's defaultTags: a JSON string in the provider's inputs (both AWS providers encode it so), or an object. */
function defaultTagsOf(provider: PolicyProviderResource): Record<string, unknown> {
  const raw: unknown = provider.props.defaultTags;
  let parsed: unknown = raw;
  if (typeof raw === "string") {
    try {
      parsed = JSON.parse(raw);
    } catch {
      return {};
    }
  }
  const tags = (parsed as { tags?: unknown } | null | undefined)?.tags;
  return tags && typeof tags === "object" ? (tags as Record<string, unknown>) : {};
}

/**
 * A resource's tags, each value read only when a policy asks for it: in a preview any tag value may be unknown
 * (e.g. a Name built from another resource's output), and reading it makes the engine report the whole policy as
 * "can't be known", i.e. advisory. So an unknown tag a policy does not look at must not disarm it.
 * A key the resource does not set is looked up in its provider's defaultTags, as AWS applies them (the resource's
 * own value wins); the provider is read only then, so its unknowns disarm only policies that need it.
 */
export function tagsOf(props: { tags?: unknown }, provider?: PolicyProviderResource): Tags {
  const tags = props.tags;
  const own: Record<string, string> = {};
  const lazy = (key: string, read: () => unknown) =>
    Object.defineProperty(own, key, { enumerable: true, configurable: true, get: () => String(read()) });
  if (Array.isArray(tags)) {
    for (const t of tags) if (t && typeof t.key === "string") lazy(t.key, () => t.value);
  } else if (tags && typeof tags === "object") {
    for (const k of Object.keys(tags as Record<string, unknown>)) lazy(k, () => (tags as Record<string, unknown>)[k]);
  }
  if (!provider) return own;
  let defaults: Record<string, unknown> | undefined;
  const fromProvider = (key: string): string | undefined => {
    defaults ??= defaultTagsOf(provider);
    const v = Object.prototype.hasOwnProperty.call(defaults, key) ? defaults[key] : undefined;
    return v === undefined || v === null ? undefined : String(v);
  };
  return new Proxy(own, {
    get: (target, key) => (typeof key !== "string" || key in target ? Reflect.get(target, key) : fromProvider(key)),
  });
}

/** What a numeric tag says: nothing, a number, or something that is not one of the forms below. */
export type NumericTag =
  { readonly kind: "absent" } | { readonly kind: "number"; readonly value: number } | { readonly kind: "unreadable"; readonly raw: string };

/**
 * The ways of writing a number that are read: 12000000, 12,000,000 (groups of three), 1.5, 1.2e7. Nothing else:
 * no suffixes or units ("8k", "12M", "600KiB" could mean 1000 or 1024, bytes or records), no other separators.
 */
const NUMBER_FORMS = [/^\d+(\.\d+)?$/, /^\d{1,3}(,\d{3})+(\.\d+)?$/, /^\d+(\.\d+)?[eE]\+?\d+$/];
export const NUMBER_FORMS_HELP = "a plain number such as 12000000 (also read: 12,000,000, 1.5 and 1.2e7; no units or suffixes such as k, M or KiB)";

export function readNumber(raw: string): NumericTag {
  const text = raw.trim();
  if (!NUMBER_FORMS.some((f) => f.test(text))) return { kind: "unreadable", raw };
  const value = Number(text.replace(/,/g, ""));
  return Number.isFinite(value) ? { kind: "number", value } : { kind: "unreadable", raw };
}

export function numericTag(tags: Tags, key: string): NumericTag {
  const raw = tags[key];
  return raw === undefined ? { kind: "absent" } : readNumber(raw);
}

/** The message part for a tag that cannot be read as a number. */
export function unreadableTag(key: string, raw: string): string {
  return `${key} = ${JSON.stringify(raw)} is unreadable as a number`;
}

/**
 * Run `check` on every item; an item whose inputs are unknown in preview is skipped until the rest are checked,
 * then its UnknownValueError is rethrown (with `describe`'s words in front), so one unknown input neither hides
 * the others' violations nor passes silently: the engine reports it, in preview as advisory.
 */
export function deferringUnknowns<T>(items: Iterable<T>, check: (item: T) => void, describe: (item: T) => string): void {
  let first: { item: T; error: UnknownValueError } | undefined;
  for (const item of items) {
    try {
      check(item);
    } catch (e) {
      if (!(e instanceof UnknownValueError)) throw e;
      first ??= { item, error: e };
    }
  }
  if (first) throw described.has(first.error) ? first.error : unknownBecause(first.error, describe(first.item));
}

// Errors already worded by an inner deferringUnknowns keep the innermost (most precise) words.
const described = new WeakSet<Error>();

/** The engine's UnknownValueError, its message saying what could not be checked and why. */
export function unknownBecause(e: UnknownValueError, what: string): UnknownValueError {
  e.message = `${what} is unknown in preview (${e.message}), so it cannot be checked until the update`;
  described.add(e);
  return e;
}

/** Read a value that may be unknown in preview: its value, or `unknown` when the engine does not know it yet. */
export function peek<T>(read: () => T): { known: true; value: T } | { known: false } {
  try {
    return { known: true, value: read() };
  } catch (e) {
    if (e instanceof UnknownValueError) return { known: false };
    throw e;
  }
}

export function isTrue(tags: Tags, key: string): boolean {
  return tags[key]?.toLowerCase() === "true";
}
