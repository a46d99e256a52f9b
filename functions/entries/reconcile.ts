import { InvocationContext, reconcileEntry } from "../lambda";
import { ReconcileEvent, ReconcileSettings } from "../reconcile";
import { readSettings } from "./settings";

const settings = readSettings<ReconcileSettings>();

export const handler = (event: ReconcileEvent, context: InvocationContext) => reconcileEntry(event, settings, context);
