import * as esbuild from "esbuild";
import Module from "module";
import * as path from "path";
import type { HiveSQL as HiveSQLClass, TrinoSQL as TrinoSQLClass } from "dt-sql-parser";

/**
 * Trino's grammar, from dt-sql-parser's TrinoSQL (its ANTLR grammar TrinoSql.g4), and Hive's (HiveSql.g4) for the
 * Hive-style DDL Athena takes for schema changes. The package ships ES modules with extensionless directory imports,
 * which Node's loader refuses, so each entry is bundled once with esbuild (already a dependency) into CommonJS in memory.
 */
function loadDialect<T>(dialect: "trino" | "hive", exported: string): T {
  const entry = require.resolve(`dt-sql-parser/dist/parser/${dialect}/index.js`);
  const out = esbuild.buildSync({ entryPoints: [entry], bundle: true, format: "cjs", platform: "node", write: false, logLevel: "silent" });
  const mod = new Module(entry);
  mod.filename = entry;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(entry));
  (mod as unknown as { _compile(code: string, file: string): void })._compile(out.outputFiles[0].text, entry);
  return (mod.exports as Record<string, T>)[exported];
}

let trino: TrinoSQLClass | undefined;
let hive: HiveSQLClass | undefined;

/** Trino's syntax errors for what Athena receives as one statement, as "line:column message"; none when it parses. */
export function trinoSyntaxErrors(sql: string): string[] {
  trino ??= new (loadDialect<typeof TrinoSQLClass>("trino", "TrinoSQL"))();
  const t = trino;
  return syntaxErrors((listener) => t.parse(sql, listener).statements().length);
}

/** Hive's syntax errors, for the ALTER TABLE statements Athena runs with its Hive-style DDL engine. */
export function hiveSyntaxErrors(sql: string): string[] {
  hive ??= new (loadDialect<typeof HiveSQLClass>("hive", "HiveSQL"))();
  const h = hive;
  return syntaxErrors((listener) => h.parse(sql, listener).statement().length);
}

type Listener = (e: { startLine: number; startColumn: number; message: string }) => void;

/** Run a parse (`count` returns its statement count) and collect its syntax errors. */
function syntaxErrors(count: (listener: Listener) => number): string[] {
  const errors: string[] = [];
  // parse() with a listener replaces ANTLR's console listeners, which validate() leaves on for its statement split.
  const n = count((e) => errors.push(`${e.startLine}:${e.startColumn} ${e.message}`));
  if (errors.length === 0 && n !== 1) errors.push(`${n} statements; Athena's StartQueryExecution runs exactly one`);
  return errors;
}
