import { freshnessBudget, KpiFreshness } from "../core/freshness";
import { KpiDefinition, loadKpiCatalog } from "../core/kpiCatalog";
import { loadTableDefs } from "../core/tables";
import { OperationsPlan, planOperations } from "../components/operations/plan";
import { decodeConfigValue } from "../infra/config/load";
import { parsePlatformConfig } from "../infra/config/parse";
import { CONFIG_NAMESPACE, PlatformConfig } from "../infra/config/schema";
import { readStackFile } from "./stackFile";

/** Placeholder that satisfies the salt's format check: the offline tools that read a stack file never deploy it. */
const OFFLINE_SALT = "offline-tools-salt-not-a-secret-0000";

export interface StackPlan {
  readonly cfg: Omit<PlatformConfig, "emailHashSalt">;
  readonly catalog: KpiDefinition[];
  readonly budget: Record<string, KpiFreshness>;
  /** The operations plan the program builds for this stack (components/operations/plan.ts). */
  readonly plan: OperationsPlan;
}

/**
 * A stack file (Pulumi.<stack>.yaml format) read through the program's own config parser, KPI catalog and operations
 * plan, for the offline tools that run the deployed handlers on the settings the program would ship.
 */
export function loadStackPlan(stackFile: string, stack: string): StackPlan {
  const file = readStackFile(stackFile);
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(file.config)) {
    if (key.startsWith(`${CONFIG_NAMESPACE}:`)) raw[key.slice(CONFIG_NAMESPACE.length + 1)] = decodeConfigValue(value);
  }
  const cfg = parsePlatformConfig(raw, {
    project: "retail-analytics",
    stack,
    region: file.config["aws:region"],
    emailHashSalt: OFFLINE_SALT,
    secretKeys: ["emailHashSalt"],
  });
  const catalog: KpiDefinition[] = loadKpiCatalog({ ownerTeams: Object.keys(cfg.quicksight.ownerGroups) });
  const budget = freshnessBudget(cfg, catalog);
  const plan = planOperations(
    {
      products: [
        ...cfg.streams.map((s) => ({ name: s.name, lane: s.lane, freshnessMinutes: s.freshnessMinutes })),
        ...cfg.batches.map((b) => ({ name: b.name, lane: b.lane, timeoutMinutes: b.batch.timeoutMinutes })),
      ],
      goldChannelMode: cfg.goldChannelMode,
      kpiFreshnessBudgetMinutes: Object.fromEntries(Object.entries(budget).map(([k, f]) => [k, f.budgetMinutes])),
      batchJobNames: Object.fromEntries(cfg.batches.map((b) => [b.name, `${b.name}-job`])),
    },
    [...loadTableDefs().keys()],
  );
  return { cfg, catalog, budget, plan };
}
