import * as fs from "fs";
import * as path from "path";
import { loadSimInputs, stackFilePath } from "../freshness/inputs";
import { DEFAULT_SIM_OPTIONS, simulateFreshness } from "../freshness/simulate";
import { LocalLakehouse } from "../lakehouse/duckdb";
import { LakehouseDetail, LakehouseReport, measuredConversion } from "../lakehouse/run";
import { KpiVisualData, readKpiVisuals } from "./data";
import { dashboardHtml } from "./html";

/** Stack whose configured schedules the report's freshness visual replays. */
export const REPORT_FRESHNESS_STACK = "prod";

/**
 * `lakehouse --report <file.html>`: reads the gold views before the run's lakehouse closes, then writes the page with
 * the run's conversion accuracy and the simulated freshness of the prod stack.
 */
export function dashboardReport(file: string): {
  beforeClose: (lake: LocalLakehouse) => Promise<void>;
  write: (report: LakehouseReport, detail: LakehouseDetail) => Promise<string>;
} {
  let kpis: KpiVisualData[] | undefined;
  return {
    beforeClose: async (lake) => {
      kpis = await readKpiVisuals(lake);
    },
    write: async (report, detail) => {
      if (!kpis) throw new Error("--report: the gold views were not read before the lakehouse closed");
      const freshness = await simulateFreshness(loadSimInputs(stackFilePath(REPORT_FRESHNESS_STACK), REPORT_FRESHNESS_STACK), DEFAULT_SIM_OPTIONS);
      const html = dashboardHtml({
        events: report.events,
        kpis,
        regions: detail.regions,
        conversion: measuredConversion(report),
        freshness,
      });
      fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      fs.writeFileSync(file, html);
      return path.resolve(file);
    },
  };
}
