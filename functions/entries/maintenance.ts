import { maintenanceEntry } from "../lambda";
import { MaintenanceSettings } from "../maintenance";
import { readSettings } from "./settings";

const settings = readSettings<Omit<MaintenanceSettings, "tableBucketArn">>();

export const handler = () => maintenanceEntry(settings);
