import * as fs from "fs";
import * as path from "path";
import { SQL_DIR } from "../paths";
import { loadSql } from "./files";
import { splitStatements, stripComments } from "./text";
import type { TableDef } from "../tables";

/**
 * Which columns of each table the platform's own SQL writes: the column list of every `INSERT (…)` of a MERGE and of
 * every `INSERT INTO t (…)`, and every `UPDATE SET c = …`, under the folders whose statements write tables. A column a
 * schema change adds is NULL in every new row until one of these statements names it, so the plan says so (the merge
 * SQL does not guess where a new column's values come from).
 */
export const WRITER_DIRS = ["merge", "bridge", "unresolved", "reresolve", "canary", "retention", "erasure"] as const;

export interface UnwrittenColumn {
  readonly table: string;
  readonly column: string;
  readonly source: string;
}

function writerTexts(root: string): string[] {
  const out: string[] = [];
  for (const dir of WRITER_DIRS) {
    const abs = path.join(root, dir);
    if (!fs.existsSync(abs)) continue;
    for (const f of fs
      .readdirSync(abs)
      .filter((n) => n.endsWith(".sql"))
      .sort())
      out.push(loadSql(`${dir}/${f}`, root));
  }
  return out;
}

const names = (list: string) =>
  list
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => /^[a-z_][a-z0-9_]*$/.test(c));

/**
 * `namespace.table` → the columns some statement writes, for the tables some statement inserts rows into (a table only
 * updated here, as bronze is by the retention scrub, gets its rows from Firehose or a Glue job with every column).
 */
export function writtenColumns(texts: readonly string[]): Map<string, Set<string>> {
  const written = new Map<string, Set<string>>();
  const inserted = new Set<string>();
  const add = (table: string, cols: readonly string[], insert = false) => {
    if (insert) inserted.add(table.toLowerCase());
    const set = written.get(table.toLowerCase()) ?? new Set<string>();
    for (const c of cols) set.add(c);
    written.set(table.toLowerCase(), set);
  };
  for (const text of texts) {
    for (const statement of splitStatements(stripComments(text))) {
      const merge = /\bMERGE\s+INTO\s+([a-z0-9_]+\.[a-z0-9_]+)/i.exec(statement);
      const insert = /\bINSERT\s+INTO\s+([a-z0-9_]+\.[a-z0-9_]+)\s*\(([^)]*)\)/i.exec(statement);
      const update = /\bUPDATE\s+([a-z0-9_]+\.[a-z0-9_]+)\s+SET\b/i.exec(statement);
      if (insert) add(insert[1], names(insert[2]), true);
      if (merge) {
        for (const m of statement.matchAll(/\bTHEN\s+INSERT\s*\(([^)]*)\)/gi)) add(merge[1], names(m[1]), true);
        for (const m of statement.matchAll(/\bUPDATE\s+SET\s+([\s\S]*?)(?=\bWHEN\b|$)/gi)) add(merge[1], assigned(m[1]));
      }
      if (update) add(update[1], assigned(statement.slice(update.index + update[0].length)));
    }
  }
  return new Map([...written].filter(([t]) => inserted.has(t)));
}

/** The left-hand names of `a = …, b = …` (a comparison inside a value never starts a new assignment after a comma). */
function assigned(setClause: string): string[] {
  return [...setClause.matchAll(/(?:^|,)\s*([a-z_][a-z0-9_]*)\s*=(?!=)/gi)].map((m) => m[1].toLowerCase());
}

/** What the plan and `pulumi preview` say about one such column. */
export function unwrittenColumnMessage(c: UnwrittenColumn): string {
  return (
    `${c.table}.${c.column} (${c.source}) is written by no statement under sql/{${WRITER_DIRS.join(",")}}: it is NULL in every row the ` +
    `platform writes. Fix: name it in the INSERT column list of the merge that fills ${c.table} (and select it from bronze), ` +
    `or leave it so on purpose until its producer sends it.`
  );
}

/** Columns of tables some statement writes that no statement names: NULL in every row the platform writes. */
export function unwrittenColumns(defs: readonly TableDef[], root: string = SQL_DIR): UnwrittenColumn[] {
  const written = writtenColumns(writerTexts(root));
  const out: UnwrittenColumn[] = [];
  for (const def of defs) {
    const table = `${def.namespace}.${def.name}`;
    const cols = written.get(table);
    if (!cols) continue;
    for (const c of def.columns) if (!cols.has(c.name.toLowerCase())) out.push({ table, column: c.name, source: def.source });
  }
  return out;
}
