import { canaryEntry } from "../lambda";

// The canary has no settings file content: its streams come from the environment (their names are outputs).
export const handler = () => canaryEntry();
