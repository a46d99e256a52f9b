import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../core/paths";
import { LEDGER_FILE, loadSchemaLedger, recordSchemas } from "../core/schemaLedger";
import { loadTableDefs } from "../core/tables";

/**
 * `npm run schema:lock`: record the DDL in sql/schemas.lock.json (a new table as version 1, an additive change as the
 * next version). A change the tables cannot take in place is refused with its file, column and procedure (exit 2).
 */
function main(): number {
  try {
    const before = loadSchemaLedger();
    const after = recordSchemas([...loadTableDefs().values()], before);
    const changed = Object.keys(after).filter((t) => (before[t]?.length ?? 0) !== after[t].length);
    fs.writeFileSync(LEDGER_FILE, `${JSON.stringify(after, null, 2)}\n`);
    const shown = path.relative(REPO_ROOT, LEDGER_FILE);
    process.stdout.write(
      changed.length === 0
        ? `${shown}: every table is recorded at its DDL's version\n`
        : `${shown}: recorded ${changed.map((t) => `${t} v${after[t].length}`).join(", ")}\n`,
    );
    return 0;
  } catch (e) {
    process.stderr.write(`schema:lock: ${(e as Error).message}\n`);
    return (e as { problems?: unknown }).problems ? 2 : 3;
  }
}

process.exitCode = main();
