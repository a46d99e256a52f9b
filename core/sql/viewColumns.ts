import { stripComments } from "./text";

/** One output column of a view: its name and the expression that makes it, whitespace collapsed. */
export interface ViewColumn {
  readonly name: string;
  readonly expression: string;
}

/** Calls `visit` at each index of `text` outside parentheses and '...' literals; `visit` returns true to stop. */
function topLevel(text: string, visit: (i: number) => boolean | void): void {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    if (quoted || c === "'") continue;
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (depth === 0 && visit(i) === true) return;
  }
}

const WORD = (text: string, i: number, word: string) =>
  text.slice(i, i + word.length).toLowerCase() === word && !/\w/.test(text[i - 1] ?? " ") && !/\w/.test(text[i + word.length] ?? " ");

/**
 * The output columns of a `CREATE OR REPLACE VIEW ... AS` statement: the select list of its last top-level SELECT
 * (after any WITH clauses), split at top-level commas. `expr AS name` names a column; a bare `t.col` is named `col`.
 * Enough for the gold views, which end in one plain SELECT; anything else (`*`, an unnamed expression) throws, naming
 * the item, rather than guessing.
 */
export function viewColumns(sql: string): ViewColumn[] {
  const body = stripComments(sql).replace(/;\s*$/, "");
  let select = -1;
  let from = -1;
  topLevel(body, (i) => {
    if (WORD(body, i, "select")) {
      select = i;
      from = -1;
    } else if (select >= 0 && from < 0 && WORD(body, i, "from")) from = i;
  });
  if (select < 0 || from < 0) throw new Error("view SQL has no top-level SELECT ... FROM. Fix: end the view in a plain SELECT.");
  const list = body.slice(select + "select".length, from);
  const items: string[] = [];
  let start = 0;
  topLevel(list, (i) => {
    if (list[i] === ",") {
      items.push(list.slice(start, i));
      start = i + 1;
    }
  });
  items.push(list.slice(start));
  return items.map((raw) => {
    const item = raw.replace(/\s+/g, " ").trim();
    const named = /^(.*\S)\s+as\s+([a-z_][a-z0-9_]*)$/i.exec(item);
    if (named) return { name: named[2].toLowerCase(), expression: named[1] };
    const bare = /^(?:[a-z_][a-z0-9_]*\.)?([a-z_][a-z0-9_]*)$/i.exec(item);
    if (bare) return { name: bare[1].toLowerCase(), expression: item };
    throw new Error(`view column "${item}" has no name. Fix: write it as <expression> AS <name>.`);
  });
}
