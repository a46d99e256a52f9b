import * as fs from "fs";
import * as path from "path";
import { buildSync } from "esbuild";
import { REPO_ROOT } from "../core/paths";

/**
 * `npm run policy:build [-- <dir>]`: the pack as `pulumi policy publish` takes it, a folder of its own. Its rules and
 * the core facts they read are bundled into one `index.js`; the policy SDK and the provider packages stay the pack's
 * own dependencies (package.json), as any published pack has them.
 */

const POLICY_DIR = path.join(REPO_ROOT, "policy");
export const DEFAULT_PACK_BUILD_DIR = path.join(REPO_ROOT, ".build", "policy");
// What a published pack installs for itself; the loader packages only serve the TypeScript source form.
const SOURCE_ONLY = new Set(["ts-node", "typescript", "csv-parse"]);

export function buildPolicyPack(outDir: string = DEFAULT_PACK_BUILD_DIR): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8"));
  const dependencies = Object.fromEntries(Object.entries<string>(pkg.dependencies).filter(([name]) => !SOURCE_ONLY.has(name)));
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  buildSync({
    entryPoints: [path.join(POLICY_DIR, "index.ts")],
    outfile: path.join(outDir, "index.js"),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: Object.keys(dependencies).flatMap((d) => [d, `${d}/*`]),
    // Paths in the bundle relative to the repository, so the build is the same wherever the checkout is.
    absWorkingDir: REPO_ROOT,
    legalComments: "none",
    logLevel: "silent",
  });
  fs.writeFileSync(path.join(outDir, "package.json"), JSON.stringify({ ...pkg, main: "index.js", dependencies }, null, 2) + "\n");
  for (const f of ["PulumiPolicy.yaml", "pack-config.json"]) fs.copyFileSync(path.join(POLICY_DIR, f), path.join(outDir, f));
  return outDir;
}

if (require.main === module) {
  const dir = buildPolicyPack(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  console.log(`policy pack built in ${path.relative(process.cwd(), dir) || "."}: pulumi policy publish ${path.relative(process.cwd(), dir)}`);
}
