import { MaintenanceEntrySettings, maintenanceEntry } from "../lambda";
import type { InvocationContext } from "../lambda";
import { readSettings } from "./settings";

const settings = readSettings<MaintenanceEntrySettings>();

export const handler = (_event: unknown, context?: InvocationContext) => maintenanceEntry(settings, context);
