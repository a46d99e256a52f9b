import { FreshnessSettings } from "../freshness";
import { freshnessEntry, InvocationContext } from "../lambda";
import { readSettings } from "./settings";

const settings = readSettings<FreshnessSettings>();

export const handler = (_event: unknown, context: InvocationContext) => freshnessEntry(settings, context);
