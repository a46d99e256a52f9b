import * as fs from "fs";
import * as path from "path";
import { SQL_DIR } from "./paths";
import { SchemaChangeError, SchemaStep, SchemaVersion, schemaStep, versionOf } from "./schemaChange";
import type { TableDef } from "./tables";

/**
 * The schema ledger (`sql/schemas.lock.json`): every landed version of every table, oldest first. The DDL files stay
 * the one source of a schema; the ledger remembers what earlier DDL said, so a change is judged against what the
 * tables in AWS hold, before any resource is registered. `npm run schema:lock` appends the DDL's additive changes;
 * a test keeps the ledger current with the DDL, as a lockfile is kept with its manifest.
 */
export const LEDGER_FILE = path.join(SQL_DIR, "schemas.lock.json");

export type SchemaLedger = Record<string, SchemaVersion[]>;

/** What a table's migration resource brings the table to: the target version and every step since version 1. */
export interface TableMigrationPlan {
  readonly table: string;
  readonly version: number;
  readonly steps: readonly SchemaStep[];
  /** The step the DDL adds beyond the ledger, if any (it lands with `npm run schema:lock`). */
  readonly pending?: SchemaStep;
}

export function loadSchemaLedger(file: string = LEDGER_FILE): SchemaLedger {
  if (!fs.existsSync(file)) return {};
  const shown = path.relative(path.dirname(SQL_DIR), file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new SchemaChangeError([`${shown}: ${(e as Error).message}. Fix: restore it from git, or rewrite it with npm run schema:lock.`]);
  }
  const bad = Object.entries(parsed as Record<string, unknown>).find(
    ([, v]) => !Array.isArray(v) || v.some((s, i) => s?.version !== i + 1 || !Array.isArray(s?.columns) || !Array.isArray(s?.partitionBy)),
  );
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed) || bad) {
    throw new SchemaChangeError([
      `${shown}${bad ? ` (${bad[0]})` : ""}: not a ledger of versions 1, 2, … with columns and partitionBy. Fix: restore it from git, or rewrite it with npm run schema:lock.`,
    ]);
  }
  return parsed as SchemaLedger;
}

const where = (def: TableDef) => `${def.source} (${def.namespace}.${def.name})`;

/** The steps between consecutive landed versions, and the DDL's step beyond the last; problems refuse the whole plan. */
export function planMigrations(defs: readonly TableDef[], ledger: SchemaLedger): TableMigrationPlan[] {
  const problems: string[] = [];
  const plans: TableMigrationPlan[] = [];
  for (const def of defs) {
    const table = `${def.namespace}.${def.name}`;
    const versions = ledger[table] ?? [];
    if (versions.length === 0) {
      plans.push({ table, version: 1, steps: [] });
      continue;
    }
    const steps: SchemaStep[] = [];
    for (let i = 1; i < versions.length; i++) {
      const { step, problems: p } = schemaStep(versions[i - 1], versions[i], `${path.basename(LEDGER_FILE)} ${table} v${i + 1}`);
      problems.push(...p);
      if (step) steps.push(step);
    }
    const last = versions[versions.length - 1];
    const { step: pending, problems: p } = schemaStep(last, versionOf(def, last.version + 1), where(def));
    problems.push(...p);
    plans.push({
      table,
      version: pending ? pending.version : last.version,
      steps: pending ? [...steps, pending] : steps,
      ...(pending ? { pending } : {}),
    });
  }
  if (problems.length > 0) throw new SchemaChangeError(problems);
  return plans;
}

/** The ledger with every table's DDL recorded: a new table as version 1, an additive change as the next version. */
export function recordSchemas(defs: readonly TableDef[], ledger: SchemaLedger): SchemaLedger {
  const plans = new Map(planMigrations(defs, ledger).map((p) => [p.table, p]));
  const out: SchemaLedger = { ...ledger };
  for (const def of defs) {
    const table = `${def.namespace}.${def.name}`;
    const versions = ledger[table] ?? [];
    if (versions.length === 0) out[table] = [versionOf(def, 1)];
    else if (plans.get(table)?.pending) out[table] = [...versions, versionOf(def, versions.length + 1)];
  }
  return Object.fromEntries(
    Object.keys(out)
      .sort()
      .map((k) => [k, out[k]]),
  );
}
