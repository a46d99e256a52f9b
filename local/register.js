"use strict";
/**
 * The `.ts` loader behind `npm run plan`, `npm start`, `npm run lakehouse`, `npm run bench`
 * (`node -r ./local/register.js local/plan.ts`) and mocha (.mocharc.json).
 *
 * It emits what `ts-node --transpile-only` emits (TypeScript's transpileModule with this repository's tsconfig.json)
 * but keeps the output on disk, keyed by the source text, the tsconfig text and the TypeScript version, so an
 * unchanged file is never transpiled twice and TypeScript itself is only loaded on a miss. It installs no
 * source-map support: Pulumi formats a stack trace for every resource and promise, and mapping those frames cost
 * more than the plan's own work (and a third of the test suite's time). Stack traces therefore show the emitted
 * JavaScript's lines, which transpileModule keeps close to the source's. It also keeps V8's code cache for
 * typescript.js (below). This file is plain JavaScript because it is what makes TypeScript loadable.
 */
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { isAscii } = require("buffer");

const REPO_ROOT = path.resolve(__dirname, "..");
const TSCONFIG = path.join(REPO_ROOT, "tsconfig.json");
// RETAIL_TS_CACHE points a run at another cache, e.g. an empty one to time a first run (npm run bench).
const CACHE_DIR = process.env.RETAIL_TS_CACHE || path.join(REPO_ROOT, "node_modules", ".cache", "retail-ts");
// Bump when the way this file turns compiler output into a cache entry changes.
const FORMAT = "1";

let optionsKey;
/** Hash of everything besides the source that decides the output: the tsconfig text and the compiler's version. */
function compilerKey() {
  if (optionsKey === undefined) {
    const tsVersion = JSON.parse(fs.readFileSync(require.resolve("typescript/package.json", { paths: [REPO_ROOT] }), "utf8")).version;
    optionsKey = crypto.createHash("sha256").update(`${FORMAT}\0${tsVersion}\0`).update(fs.readFileSync(TSCONFIG)).digest("hex");
  }
  return optionsKey;
}

let compiler;
/** TypeScript and the tsconfig's compiler options as ts-node applies them, loaded on the first cache miss. */
function loadCompiler() {
  if (compiler === undefined) {
    const ts = require(require.resolve("typescript", { paths: [REPO_ROOT] }));
    const read = ts.readConfigFile(TSCONFIG, ts.sys.readFile);
    if (read.error) throw new Error(`${TSCONFIG}: ${ts.flattenDiagnosticMessageText(read.error.messageText, "\n")}`);
    const parsed = ts.parseJsonConfigFileContent(read.config, { ...ts.sys, readDirectory: () => [] }, REPO_ROOT, undefined, TSCONFIG);
    const options = { ...parsed.options, sourceMap: false, inlineSourceMap: false, declaration: false, noEmit: false };
    for (const k of ["out", "outFile", "composite", "declarationDir", "declarationMap", "emitDeclarationOnly"]) delete options[k];
    if (options.module === undefined) options.module = ts.ModuleKind.CommonJS;
    compiler = { ts, options };
  }
  return compiler;
}

function transpile(source, filename) {
  const { ts, options } = loadCompiler();
  const out = ts.transpileModule(source, { fileName: filename, compilerOptions: options, reportDiagnostics: true });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => REPO_ROOT, getNewLine: () => "\n" };
    throw new SyntaxError(`TypeScript could not transpile ${filename}:\n${ts.formatDiagnostics(errors, host)}`);
  }
  return out.outputText;
}

/** Write then rename, so a concurrent run never reads half an entry; a read-only or full disk only costs a rerun. */
function writeAtomically(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch {
    fs.rmSync(tmp, { force: true }); // the next run transpiles or compiles again
  }
}

/** The JavaScript for one `.ts` file: from the cache when its source was seen before, else transpiled and stored. */
function compiled(filename) {
  const source = fs.readFileSync(filename, "utf8");
  const key = crypto.createHash("sha256").update(compilerKey()).update("\0").update(path.extname(filename)).update("\0").update(source).digest("hex");
  const file = path.join(CACHE_DIR, key.slice(0, 2), `${key.slice(2)}.js`);
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    if (e.code !== "ENOENT") throw e;
  }
  const js = transpile(source, filename);
  writeAtomically(file, js);
  return js;
}

require.extensions[".ts"] = function loadTypeScript(module, filename) {
  module._compile(compiled(filename), filename);
};

/**
 * V8's code cache for TypeScript's own typescript.js. Pulumi's closure serializer loads TypeScript (9 MB of
 * JavaScript) to parse the functions of every CallbackFunction, in every plan and test run, and loading it was the
 * largest single cost a plan adds to loading the providers (~430 ms here; ~270-300 ms from this cache). The cache
 * sits beside the transpile cache, written right after the module first runs. The module runs as Node's loader runs
 * it: its wrapper called with exports, require, module, __filename and __dirname.
 *
 * V8 accepts a cache only under the flags it was made with and checks the source by its length alone, so the cache
 * file is named by what V8 does not check: the file's size and mtime, the Node version and the process's own flags.
 * Pulumi's closure code turns on --allow-natives-syntax before it loads TypeScript (runtime/closure/v8.js), and a cache
 * made without it was refused there every time; so the loader turns it on just before it compiles typescript.js, and
 * every process that loads TypeScript through it compiles under the same flags, whether it loads Pulumi or not.
 * A process that never loads TypeScript never sets it (set early, it cost Node's built-ins their snapshot cache).
 */
const vm = require("vm");
const Module = require("module");

let typescriptFile;
try {
  typescriptFile = require.resolve("typescript", { paths: [REPO_ROOT] });
} catch {
  typescriptFile = undefined; // no TypeScript installed: Pulumi falls back to its vendored copy, loaded as usual
}

/** Node's own options minus those that only name code to run (-r, -e, ...): what can change V8's flags. */
function engineArgs(argv) {
  const out = [];
  for (let i = 0; i < argv.length; i++) {
    if (["-r", "--require", "-e", "--eval", "-p", "--print", "--import", "--loader"].includes(argv[i])) i++;
    else if (!/^--(require|eval|print|import|loader)=/.test(argv[i])) out.push(argv[i]);
  }
  return out;
}

function codeCacheFile(filename) {
  const stat = fs.statSync(filename);
  const flags = crypto
    .createHash("sha256")
    .update(JSON.stringify([engineArgs(process.execArgv), process.env.NODE_OPTIONS ?? ""]))
    .digest("hex")
    .slice(0, 12);
  const name = `${path.basename(filename)}-${stat.size}-${Math.trunc(stat.mtimeMs)}-${process.version}-${process.arch}-${flags}.cache`;
  return path.join(CACHE_DIR, "v8", name);
}

/**
 * A file's text as Node's loader reads it (UTF-8). An all-ASCII file is decoded as Latin-1, which gives the same
 * string faster: reading typescript.js (9 MB of ASCII) took ~135 ms as UTF-8 in a fresh process here, ~75 ms this way.
 */
function readSource(filename) {
  const bytes = fs.readFileSync(filename);
  return bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
}

function loadWithCodeCache(module, filename, loadJs) {
  const source = readSource(filename);
  // Node's loader strips a byte-order mark and lets V8 read a #! line, which a wrapper would break: leave those to it.
  if (source.charCodeAt(0) === 0xfeff || source.startsWith("#!")) return loadJs(module, filename);
  const cacheFile = codeCacheFile(filename);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  require("v8").setFlagsFromString("--allow-natives-syntax");
  // A dynamic import() inside it resolves as it would from a module Node loaded (typescript.js has none today).
  const importModuleDynamically = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  const script = new vm.Script(Module.wrap(source), { filename, cachedData, importModuleDynamically });
  const wrapper = script.runInThisContext({ displayErrors: true });
  wrapper.call(module.exports, module.exports, Module.createRequire(filename), module, filename, path.dirname(filename));
  if (cachedData === undefined || script.cachedDataRejected) writeAtomically(cacheFile, script.createCachedData());
}

module.exports = { readSource };

if (typescriptFile !== undefined) {
  const loadJs = Module._extensions[".js"];
  Module._extensions[".js"] = function loadJavaScript(module, filename) {
    if (filename === typescriptFile) return loadWithCodeCache(module, filename, loadJs);
    return loadJs(module, filename);
  };
}
