import * as fs from "fs";
import * as path from "path";
import { KPI_CATALOG_FILE, loadKpiCatalog } from "../core/kpiCatalog";
import { REPO_ROOT } from "../core/paths";

/**
 * `npm run policy:config`: the catalog facts the pack checks, written as its `--policy-pack-config` file, so the
 * published pack never reads this repository. tests/policy/packConfig.test.ts fails when the file drifts from the catalog.
 */

export const PACK_CONFIG_FILE = path.join(REPO_ROOT, "policy", "pack-config.json");

export function catalogPackConfig(): Record<string, Record<string, unknown>> {
  return {
    "platform-catalog-kpis-have-datasets": { kpis: loadKpiCatalog().map((k) => k.kpi), catalog: path.basename(KPI_CATALOG_FILE) },
  };
}

if (require.main === module) fs.writeFileSync(PACK_CONFIG_FILE, `${JSON.stringify(catalogPackConfig(), null, 2)}\n`);
