import * as fs from "fs";
import * as path from "path";
import { KPI_CATALOG_FILE, loadKpiCatalog } from "../core/kpiCatalog";
import { REPO_ROOT } from "../core/paths";
import { loadTableDefs } from "../core/tables";
import { EMAIL_SALT_READERS, EMAIL_SALT_TABLE } from "../core/emailSalt";

/**
 * `npm run policy:config`: the catalog and table facts the pack checks, written as its `--policy-pack-config` file, so
 * the published pack never reads this repository and no resource vouches for itself (a table's own snapshot tag, a
 * topic's own steward-approved tag). tests/policy/packConfig.test.ts fails when the file drifts from the sources.
 */

export const PACK_CONFIG_FILE = path.join(REPO_ROOT, "policy", "pack-config.json");

export function catalogPackConfig(): Record<string, Record<string, unknown>> {
  const kpis = loadKpiCatalog();
  const catalog = path.basename(KPI_CATALOG_FILE);
  const tables = [...loadTableDefs().values()].sort((a, b) => `${a.namespace}.${a.name}`.localeCompare(`${b.namespace}.${b.name}`));
  return {
    "platform-catalog-kpis-have-datasets": { kpis: kpis.map((k) => k.kpi), catalog },
    "spice-refresh-within-cutoff": { kpiSourceProducts: Object.fromEntries(kpis.map((k) => [k.kpi, [...k.sourceProducts]])) },
    "amazon-q-topic-steward-approved": {
      approvedKpis: kpis.filter((k) => k.stewardApproved).map((k) => k.kpi),
      unapprovedKpis: kpis.filter((k) => !k.stewardApproved).map((k) => k.kpi),
      catalog,
    },
    "lakeformation-pii-grants": {
      tables: Object.fromEntries([
        ...tables.filter((t) => t.piiReaders).map((t) => [`${t.namespace}.${t.name}`, { readers: t.piiReaders, source: t.source }]),
        // The salt reverses every email_hash: it is the most sensitive table of all.
        [`${EMAIL_SALT_TABLE.database}.${EMAIL_SALT_TABLE.table}`, { readers: [...EMAIL_SALT_READERS], source: "core/emailSalt.ts" }],
      ]),
    },
    "iceberg-event-tables-partitioned-by-day": {
      tables: Object.fromEntries(
        tables.map((t) => [
          `${t.namespace}.${t.name}`,
          {
            semantics: t.semantics,
            ...(t.eventTimeColumn ? { eventTimeColumn: t.eventTimeColumn } : {}),
            partitionBy: t.partitionBy.map((p) => `${p.transform}(${p.column})`),
            source: t.source,
          },
        ]),
      ),
    },
  };
}

if (require.main === module) fs.writeFileSync(PACK_CONFIG_FILE, `${JSON.stringify(catalogPackConfig(), null, 2)}\n`);
