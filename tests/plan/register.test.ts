import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Run a script in a child node through local/register.js with its own (empty at first) cache directory. */
function node(script: string, cacheDir: string, nodeArgs: string[] = []): string {
  const r = spawnSync(process.execPath, [...nodeArgs, "-r", "./local/register.js", "-e", script], {
    cwd: REPO_ROOT,
    env: { ...process.env, RETAIL_TS_CACHE: cacheDir, NODE_OPTIONS: "" },
    encoding: "utf8",
  });
  assert.strictEqual(r.status, 0, r.stderr);
  return r.stdout.trim();
}

describe("local/register.js: V8's code cache for typescript.js", () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "register-cache-"));
  const v8Dir = path.join(cacheDir, "v8");
  const caches = () => (fs.existsSync(v8Dir) ? fs.readdirSync(v8Dir).sort() : []);
  const tsVersion = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "node_modules", "typescript", "package.json"), "utf8")).version;
  let cacheFile = "";
  after(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  it("writes one cache on the first load, named by the file's size, Node and its flags, and loads TypeScript", () => {
    assert.strictEqual(node(`console.log(require("typescript").version)`, cacheDir), tsVersion);
    const [only, ...more] = caches();
    assert.deepStrictEqual(more, []);
    const size = fs.statSync(require.resolve("typescript")).size;
    assert.match(only, new RegExp(`^typescript\\.js-${size}-\\d+-${process.version.replace(/\./g, "\\.")}-${process.arch}-[0-9a-f]{12}\\.cache$`));
    cacheFile = path.join(v8Dir, only);
    assert.ok(fs.statSync(cacheFile).size > 100_000, "a code cache of the whole file");
  });

  it("is accepted by V8 in a later process, before and after Pulumi's closure code sets its V8 flags, and not rewritten", () => {
    const written = fs.statSync(cacheFile).mtimeMs;
    // The same check V8 makes when the loader hands it the cache, under the flag the loader turns on for it.
    const check = `
      const fs = require("fs"), vm = require("vm"), Module = require("module");
      require("v8").setFlagsFromString("--allow-natives-syntax");
      const file = require.resolve("typescript");
      const script = new vm.Script(Module.wrap(fs.readFileSync(file, "utf8")), { filename: file, cachedData: fs.readFileSync(${JSON.stringify(cacheFile)}) });
      console.log(script.cachedDataRejected);`;
    assert.strictEqual(node(check, cacheDir), "false");
    // After Pulumi's closure serializer has set its flags, as in a plan, then loading TypeScript through the loader.
    assert.strictEqual(
      node(`require("@pulumi/pulumi/runtime/closure/v8.js"); ${check} console.log(require("typescript").version);`, cacheDir),
      `false\n${tsVersion}`,
    );
    assert.strictEqual(fs.statSync(cacheFile).mtimeMs, written);
  });

  it("keeps a separate cache for a process with other V8 flags instead of overwriting the shared one", () => {
    const written = fs.statSync(cacheFile).mtimeMs;
    assert.strictEqual(node(`console.log(require("typescript").version)`, cacheDir, ["--stack-trace-limit=50"]), tsVersion);
    assert.strictEqual(caches().length, 2);
    assert.strictEqual(fs.statSync(cacheFile).mtimeMs, written);
  });
});

describe("local/register.js: reading a source file", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { readSource } = require("../../local/register.js") as { readSource(file: string): string };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "register-source-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("gives the UTF-8 text Node's loader reads, for an all-ASCII file (the Latin-1 fast path) and any other", () => {
    for (const [name, text] of [
      ["ascii.js", "module.exports = 'plain ASCII, up to DEL: ~\x7f';\n"],
      ["utf8.js", "module.exports = 'café, 東京, 🛒 and a byte-order-free \\u00e9';\n"],
      ["latin1-lookalike.js", "module.exports = '\u00ff\u00e9';\n"],
    ]) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text, "utf8");
      assert.strictEqual(readSource(file), fs.readFileSync(file, "utf8"), name);
      assert.strictEqual(readSource(file), text, name);
    }
  });
});
