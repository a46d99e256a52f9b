import * as esbuild from "esbuild";
import Module from "module";
import * as path from "path";
import type { TrinoSQL as TrinoSQLClass } from "dt-sql-parser";

/**
 * Trino's grammar, from dt-sql-parser's TrinoSQL (its ANTLR grammar TrinoSql.g4). The package ships
 * ES modules with extensionless directory imports, which Node's loader refuses, so its Trino entry is bundled once
 * with esbuild (already a dependency) into CommonJS in memory.
 */
function loadTrinoSql(): typeof TrinoSQLClass {
  const entry = require.resolve("dt-sql-parser/dist/parser/trino/index.js");
  const out = esbuild.buildSync({ entryPoints: [entry], bundle: true, format: "cjs", platform: "node", write: false, logLevel: "silent" });
  const mod = new Module(entry);
  mod.filename = entry;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(entry));
  (mod as unknown as { _compile(code: string, file: string): void })._compile(out.outputFiles[0].text, entry);
  return (mod.exports as { TrinoSQL: typeof TrinoSQLClass }).TrinoSQL;
}

let parser: TrinoSQLClass | undefined;

/** Trino's syntax errors for what Athena receives as one statement, as "line:column message"; none when it parses. */
export function trinoSyntaxErrors(sql: string): string[] {
  parser ??= new (loadTrinoSql())();
  const errors: string[] = [];
  // parse() with a listener replaces ANTLR's console listeners, which validate() leaves on for its statement split.
  const tree = parser.parse(sql, (e) => errors.push(`${e.startLine}:${e.startColumn} ${e.message}`));
  const count = tree.statements().length;
  if (errors.length === 0 && count !== 1) errors.push(`${count} statements; Athena's StartQueryExecution runs exactly one`);
  return errors;
}
