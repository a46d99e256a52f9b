import * as fs from "fs";
import * as path from "path";
import { SQL_DIR } from "../paths";
import { SqlRenderError } from "./render";

function pathUnder(root: string, relPath: string): string {
  const full = path.resolve(root, relPath);
  if (!full.startsWith(path.resolve(root) + path.sep)) {
    throw new SqlRenderError(`SQL path "${relPath}" leaves the sql/ folder; pass a path relative to sql/, e.g. merge/cart_events.sql`);
  }
  return full;
}

/** `-- retail:include <path under sql/>` alone on a line: replaced by that file's text when the SQL is read. */
const INCLUDE_RE = /^[ \t]*-- retail:include (\S+)[ \t]*$/gm;

/**
 * Replace every include line of a SQL text with the fragment it names (sql/fragments/), so a rule several
 * statements share is written once and Athena and DuckDB still receive plain SQL. Fragments do not include others.
 */
export function expandIncludes(text: string, from: string, root: string = SQL_DIR): string {
  return text.replace(INCLUDE_RE, (_line, rel: string) => {
    const full = pathUnder(root, rel);
    if (!fs.existsSync(full))
      throw new SqlRenderError(`${from} includes "${rel}", which does not exist under sql/; fix the path or add the fragment`);
    const fragment = fs.readFileSync(full, "utf8").replace(/\n$/, "");
    if (/^[ \t]*-- retail:include /m.test(fragment)) {
      throw new SqlRenderError(`${rel} (included by ${from}) includes another file; fragments hold SQL only`);
    }
    return fragment;
  });
}

/** Read a file under sql/, e.g. `loadSql("merge/cart_events.sql")`, with its includes expanded. */
export function loadSql(relPath: string, root: string = SQL_DIR): string {
  return expandIncludes(fs.readFileSync(pathUnder(root, relPath), "utf8"), relPath, root);
}
