/**
 * Rendering the SQL under sql/. The Athena Lambdas and the local DuckDB runner both go through here, so a placeholder
 * is validated the same way wherever a statement runs. Placeholder values are spliced into SQL text (Athena has no
 * bind parameters for DDL/MERGE), which is why each one must match a strict pattern.
 */

interface PlaceholderRule {
  readonly pattern: RegExp;
  readonly fix: string;
  /** Not a calendar date or timestamp (the others must also name a real day). */
  readonly notDate?: true;
}

const PLACEHOLDERS: Record<string, PlaceholderRule> = {
  day: { pattern: /^\d{4}-\d{2}-\d{2}$/, fix: "pass a calendar date as YYYY-MM-DD, e.g. 2026-07-01" },
  window_start: {
    pattern: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/,
    fix: "pass a timestamp as 'YYYY-MM-DD HH:MM:SS' (UTC), e.g. 2026-07-01 00:00:00",
  },
  window_end: {
    pattern: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/,
    fix: "pass a timestamp as 'YYYY-MM-DD HH:MM:SS' (UTC), e.g. 2026-07-02 00:00:00",
  },
  loyalty_id: {
    pattern: /^[A-Za-z0-9_-]{1,64}$/,
    fix: "pass the member's loyalty id as 1-64 characters of A-Z a-z 0-9 _ -, e.g. L000123",
    notDate: true,
  },
  cutoff: {
    pattern: /^\d{4}-\d{2}-\d{2}$/,
    fix: "pass the retention cutoff as a calendar date YYYY-MM-DD (UTC midnight; rows that arrived before it are scrubbed), e.g. 2026-06-01",
  },
  horizon_start: {
    pattern: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/,
    fix: "pass the re-resolution horizon's start as 'YYYY-MM-DD HH:MM:SS' (UTC: now minus retail:operations.reresolveHorizonDays), e.g. 2026-06-01 00:00:00",
  },
  reresolve_from: {
    pattern: /^\d{4}-\d{2}-\d{2} 00:00:00$/,
    fix: "pass one event day reresolve/pending.sql found as 'YYYY-MM-DD 00:00:00' (UTC midnight), e.g. 2026-06-01 00:00:00",
  },
  reresolve_to: {
    pattern: /^\d{4}-\d{2}-\d{2} 00:00:00$/,
    fix: "pass the day after that event day as 'YYYY-MM-DD 00:00:00' (UTC midnight), e.g. 2026-06-02 00:00:00",
  },
  product: {
    pattern: /^[a-z][a-z0-9_]{0,62}$/,
    fix: "pass a data product's name (its bronze table's name: lowercase letters, digits and _), e.g. cart_events",
    notDate: true,
  },
  since: {
    pattern: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/,
    fix: "pass a timestamp as 'YYYY-MM-DD HH:MM:SS' (UTC), e.g. 2026-06-24 10:00:00",
  },
};

const PLACEHOLDER_RE = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

export class SqlRenderError extends Error {}

function isValidDate(value: string): boolean {
  const d = new Date(`${value.slice(0, 10)}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value.slice(0, 10);
}

/** Check one placeholder value; throws naming the placeholder, the value and the fix. */
export function validatePlaceholder(name: string, value: string): void {
  const rule = PLACEHOLDERS[name];
  if (!rule) {
    throw new SqlRenderError(`unknown placeholder {{${name}}}; known placeholders are ${Object.keys(PLACEHOLDERS).join(", ")}`);
  }
  const ok = typeof value === "string" && rule.pattern.test(value) && (rule.notDate === true || isValidDate(value));
  if (!ok) throw new SqlRenderError(`placeholder {{${name}}} has invalid value ${JSON.stringify(value)}: ${rule.fix}`);
}

/** `YYYY-MM-DD HH:MM:SS` in UTC: the form the SQL's `TIMESTAMP '{{window_start}}'` literals take. */
export function sqlTimestamp(d: Date): string {
  return d.toISOString().slice(0, 19).replace("T", " ");
}

/** Substitute `{{name}}` placeholders after validating every value the SQL uses. */
export function renderSql(sql: string, params: Record<string, string>): string {
  for (const name of Object.keys(params)) {
    if (!PLACEHOLDERS[name]) {
      throw new SqlRenderError(`unknown placeholder "${name}" in parameters; known placeholders are ${Object.keys(PLACEHOLDERS).join(", ")}`);
    }
  }
  return sql.replace(PLACEHOLDER_RE, (_match, name: string) => {
    if (!PLACEHOLDERS[name]) {
      throw new SqlRenderError(`unknown placeholder {{${name}}} in SQL; known placeholders are ${Object.keys(PLACEHOLDERS).join(", ")}`);
    }
    const value = params[name];
    if (value === undefined) {
      throw new SqlRenderError(`missing value for placeholder {{${name}}}: ${PLACEHOLDERS[name].fix}`);
    }
    validatePlaceholder(name, value);
    return value;
  });
}

/** Placeholder names a SQL text uses, so callers can pass exactly those. */
export function placeholdersOf(sql: string): string[] {
  return [...new Set([...sql.matchAll(PLACEHOLDER_RE)].map((m) => m[1]))];
}
