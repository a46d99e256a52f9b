import * as path from "path";
import * as esbuild from "esbuild";
import * as pulumi from "@pulumi/pulumi";
import { REPO_ROOT } from "../../core/paths";
import { SETTINGS_FILE } from "../../functions/entries/settings";

/** The operations functions, each with one entry module in functions/entries/ exporting `handler`. */
export const FUNCTIONS = ["merge", "reconcile", "freshness", "maintenance", "erase", "backfill", "canary"] as const;
export type FunctionName = (typeof FUNCTIONS)[number];
/** Functions every stack has; the canary exists only while retail:canary.enabled. */
export type CoreFunctionName = Exclude<FunctionName, "canary">;
/** The operations functions as built: the core ones, and the canary when enabled. */
export type OperationsFunctions<T> = Record<CoreFunctionName, T> & { readonly canary?: T };

/** The Lambda handler setting for every bundle: index.js's `handler` export. */
export const HANDLER = "index.handler";

/**
 * esbuild options for the handlers, as CDK's NodejsFunction sets them. The Node.js 22 runtime ships the AWS SDK
 * v3, so `@aws-sdk/*` stays external; paths are relative to the repository and nothing time-dependent is emitted,
 * so the same sources give the same bytes.
 */
const OPTIONS: esbuild.BuildOptions = {
  absWorkingDir: REPO_ROOT,
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  external: ["@aws-sdk/*"],
  write: false,
  outdir: "bundle",
  sourcemap: false,
  legalComments: "none",
  charset: "utf8",
  logLevel: "silent",
};

/** Bundle every entry module in one esbuild run; JavaScript text by function. */
export async function bundleHandlers(entriesDir = path.join(REPO_ROOT, "functions", "entries")): Promise<Record<FunctionName, string>> {
  const entryPoints = Object.fromEntries(FUNCTIONS.map((fn) => [fn, path.relative(REPO_ROOT, path.join(entriesDir, `${fn}.ts`))]));
  const result = await esbuild.build({ ...OPTIONS, entryPoints });
  const byName = new Map(result.outputFiles!.map((f) => [path.basename(f.path, ".js"), f.text]));
  return Object.fromEntries(FUNCTIONS.map((fn) => [fn, byName.get(fn)!])) as Record<FunctionName, string>;
}

/** A function's code: its bundle as index.js and its settings as a data file the entry reads at cold start. */
export function functionArchive(bundle: Promise<string>, settings: unknown): pulumi.asset.AssetArchive {
  return new pulumi.asset.AssetArchive({
    "index.js": new pulumi.asset.StringAsset(bundle),
    [SETTINGS_FILE]: new pulumi.asset.StringAsset(JSON.stringify(settings)),
  });
}
