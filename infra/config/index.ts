/** The stack's `retail:` configuration: its schema, how problems are described, and how it is read from Pulumi. */
export { CONFIG_NAMESPACE, configSchema, KNOWN_NAMESPACES } from "./schema";
export type { BatchProduct, DataProductConfig, PlatformConfig, RawConfig, StreamProduct } from "./schema";
export { checkCatalogFit, ConfigError, parsePlatformConfig } from "./parse";
export { decodeConfigValue, loadConfig } from "./load";
