import { InvocationContext, mergeEntry } from "../lambda";
import { MergeEvent, MergeSettings } from "../merge";
import { readSettings } from "./settings";

const settings = readSettings<MergeSettings>();

export const handler = (event: MergeEvent, context: InvocationContext) => mergeEntry(event, settings, context);
