// @pulumi/pulumi 3.248 exports isConfigSecret from runtime/config only as @internal (untyped, not in runtime/index.d.ts).
const RUNTIME_CONFIG = "@pulumi/pulumi/runtime/config";

/** Whether the engine holds a config key as a secret (`pulumi config set --secret`), as Pulumi's own Config getters ask. */
export function isConfigSecret(key: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtimeConfig: { isConfigSecret?: (k: string) => boolean } = require(RUNTIME_CONFIG);
  if (typeof runtimeConfig.isConfigSecret !== "function") {
    throw new Error(`${RUNTIME_CONFIG} no longer exports isConfigSecret: update infra/config/pulumiInternals.ts`);
  }
  return runtimeConfig.isConfigSecret(key);
}
