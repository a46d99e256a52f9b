/** SQL text handling shared by every reader of sql/: comments and statement boundaries, outside string literals. */

/** Where a line's `--` comment starts (outside '...' literals, whose '' is a quote), or the line's length. */
export function commentStart(line: string): number {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "'") quoted = !quoted;
    else if (!quoted && line[i] === "-" && line[i + 1] === "-") return i;
  }
  return line.length;
}

/**
 * Split a file into statements at a `;` that ends a line's code: a `;` inside a string literal or at the end of a
 * `--` comment ends nothing (a comment line ending in ';' inside a MERGE would otherwise cut it in two). Athena runs
 * one statement per call, so this is all the parsing it needs. The terminating `;` is dropped; comment-only chunks
 * are dropped.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  for (const line of sql.split(/\r?\n/)) {
    const code = line.slice(0, commentStart(line)).trimEnd();
    if (code.endsWith(";")) {
      current.push(code.slice(0, -1) + line.slice(code.length));
      statements.push(current.join("\n"));
      current = [];
    } else {
      current.push(line);
    }
  }
  statements.push(current.join("\n"));
  return statements.map((st) => st.trim()).filter((st) => stripComments(st).trim().length > 0);
}

/** The SQL's code without its `--` comments (a `--` inside a '...' literal is code). */
export function stripComments(sql: string): string {
  return sql
    .split("\n")
    .map((line) => line.slice(0, commentStart(line)))
    .join("\n");
}
