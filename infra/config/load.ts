import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { freshnessBudget } from "../../core/freshness";
import { KPI_CATALOG_FILE, loadKpiCatalog } from "../../core/kpiCatalog";
import { REPO_ROOT } from "../../core/paths";
import { shardQuotaAdvisory } from "./accepts";
import { checkCatalogFit, parsePlatformConfig } from "./parse";
import { isConfigSecret } from "./pulumiInternals";
import { CONFIG_NAMESPACE, PlatformConfig } from "./schema";
import { kpiVisualSpecs } from "../../core/kpiVisuals";

/** Decode Pulumi's string-valued config: structured values and scalars arrive as JSON text. */
export function decodeConfigValue(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/**
 * Read and validate the running stack's configuration, and its fit with the KPI catalog. Throws ConfigError (or the
 * catalog's KpiCatalogError) before any resource exists.
 */
export function loadConfig(): PlatformConfig {
  const all = pulumi.runtime.allConfig();
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(all)) {
    if (key.startsWith(`${CONFIG_NAMESPACE}:`)) raw[key.slice(CONFIG_NAMESPACE.length + 1)] = decodeConfigValue(value);
  }
  const parsed = parsePlatformConfig(raw, {
    project: pulumi.getProject(),
    stack: pulumi.getStack(),
    region: all["aws:region"],
    // Taken as the raw string: JSON-decoding a salt could turn "0123..." into a number.
    emailHashSalt: all[`${CONFIG_NAMESPACE}:emailHashSalt`],
    secretKeys: Object.keys(raw).filter((k) => isConfigSecret(`${CONFIG_NAMESPACE}:${k}`)),
    allKeys: Object.keys(all),
  });
  // The catalog the gold layer builds from is read here too, so a config that does not fit it (and a catalog row
  // that does not fit the config) fails before any resource exists; each throws its own error, and both exit 2.
  const kpis = loadKpiCatalog({ ownerTeams: Object.keys(parsed.quicksight.ownerGroups) });
  checkCatalogFit(parsed, kpis, path.relative(REPO_ROOT, KPI_CATALOG_FILE));
  freshnessBudget(parsed, kpis);
  kpiVisualSpecs(kpis);
  const quota = shardQuotaAdvisory(parsed.streams, parsed.region, parsed.kinesisShardQuota);
  if (quota) pulumi.log.warn(`advisory: ${quota}`);
  return { ...parsed, emailHashSalt: new pulumi.Config(CONFIG_NAMESPACE).requireSecret("emailHashSalt") };
}
