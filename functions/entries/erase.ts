import { eraseEntry, InvocationContext } from "../lambda";
import { EraseEvent, EraseSettings } from "../erase";
import { readSettings } from "./settings";

const settings = readSettings<EraseSettings>();

export const handler = (event: EraseEvent, context: InvocationContext) => eraseEntry(event, settings, context);
