import { backfillEntry, InvocationContext } from "../lambda";
import { BackfillEvent, BackfillSettings } from "../backfill";
import { readSettings } from "./settings";

const settings = readSettings<BackfillSettings>();

export const handler = (event: BackfillEvent, context: InvocationContext) => backfillEntry(event, settings, context);
