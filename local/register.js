"use strict";
// The `.ts` loader for the npm scripts, mocha and the child processes tests start. It emits what
// `ts-node --transpile-only` emits (TypeScript's transpileModule with this repository's tsconfig.json), so the code
// Pulumi serializes from a closure is the code `pulumi up` serializes; and it keeps that output on disk, keyed by the
// source, the tsconfig and the TypeScript version, so TypeScript is loaded and run only for a file it has not seen.
// Type-checking is `npm run typecheck`'s job. No source maps: Pulumi formats a stack for every resource and promise.
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const REPO_ROOT = path.resolve(__dirname, "..");
const TSCONFIG = path.join(REPO_ROOT, "tsconfig.json");
const CACHE_DIR = path.join(REPO_ROOT, "node_modules", ".cache", "retail-ts");

let key;
function compilerKey() {
  key ??= crypto
    .createHash("sha256")
    .update(require(require.resolve("typescript/package.json", { paths: [REPO_ROOT] })).version)
    .update(fs.readFileSync(TSCONFIG))
    .digest("hex");
  return key;
}

let compiler;
function transpile(source, filename) {
  if (compiler === undefined) {
    const ts = require(require.resolve("typescript", { paths: [REPO_ROOT] }));
    const parsed = ts.getParsedCommandLineOfConfigFile(TSCONFIG, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    compiler = { ts, options: { ...parsed.options, sourceMap: false, inlineSourceMap: false, declaration: false, noEmit: false } };
  }
  const { ts, options } = compiler;
  const out = ts.transpileModule(source, { fileName: filename, compilerOptions: options, reportDiagnostics: true });
  const errors = out.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => REPO_ROOT, getNewLine: () => "\n" };
    throw new SyntaxError(`TypeScript could not transpile ${filename}:\n${ts.formatDiagnostics(errors, host)}`);
  }
  return out.outputText;
}

require.extensions[".ts"] = function loadTypeScript(module, filename) {
  const source = fs.readFileSync(filename, "utf8");
  const hash = crypto.createHash("sha256").update(compilerKey()).update("\0").update(filename).update("\0").update(source).digest("hex");
  const file = path.join(CACHE_DIR, `${hash}.js`);
  let js;
  try {
    js = fs.readFileSync(file, "utf8");
  } catch {
    js = transpile(source, filename);
    // Written then renamed, so a concurrent run never reads half a file; an unwritable cache only costs a transpile.
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(CACHE_DIR, { recursive: true });
      fs.writeFileSync(tmp, js);
      fs.renameSync(tmp, file);
    } catch {
      fs.rmSync(tmp, { force: true });
    }
  }
  module._compile(js, filename);
};
