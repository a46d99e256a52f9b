import {
  GetTableCommand,
  GetTableMaintenanceJobStatusCommand,
  GetTableMaintenanceJobStatusCommandOutput,
  GetTableCommandOutput,
  S3TablesClient,
  TableMaintenanceJobType,
} from "@aws-sdk/client-s3tables";
import { Alerts, Metric } from "./alerts";
import { OPERATIONS_METRICS } from "../core/metrics";

export type JobType = `${(typeof TableMaintenanceJobType)[keyof typeof TableMaintenanceJobType]}`;

/**
 * Hours each S3 Tables maintenance job may go without a successful run before we alert. Compaction only runs
 * when there are small files to compact and unreferenced-file removal works in days, so they get a week;
 * snapshot expiry runs daily on any table that is written.
 */
export const DEFAULT_WINDOW_HOURS: Readonly<Record<JobType, number>> = {
  icebergCompaction: 168,
  icebergSnapshotManagement: 48,
  icebergUnreferencedFileRemoval: 168,
};

export interface MaintenanceSettings {
  readonly tableBucketArn: string;
  /** Tables as `namespace.table`. */
  readonly tables: readonly string[];
  readonly windowHours: Readonly<Record<JobType, number>>;
}

export interface MaintenanceDeps {
  readonly s3tables: Pick<S3TablesClient, "send">;
  readonly alerts: Alerts;
  readonly now: () => Date;
}

export interface MaintenanceProblem {
  readonly table: string;
  readonly job: JobType | "status";
  readonly problem: string;
}

export interface MaintenanceReport {
  readonly problems: MaintenanceProblem[];
  /** Hours since each job's last run, by `table` then job. */
  readonly hoursSinceRun: Record<string, Partial<Record<JobType, number>>>;
}

export class MaintenanceFailed extends Error {
  constructor(readonly report: MaintenanceReport) {
    super(
      `maintenance: could not read the status of ${report.problems
        .filter((p) => p.job === "status")
        .map((p) => p.table)
        .join(", ")}`,
    );
  }
}

const HOUR_MS = 3_600_000;

/**
 * Read every table's maintenance job status and report jobs that failed, are disabled, or have not run within
 * their window. A table whose status cannot be read is reported with the rest, then fails the invocation.
 */
export async function runMaintenance(settings: MaintenanceSettings, deps: MaintenanceDeps): Promise<MaintenanceReport> {
  const now = deps.now().getTime();
  const problems: MaintenanceProblem[] = [];
  const hoursSinceRun: MaintenanceReport["hoursSinceRun"] = {};
  const jobs = Object.keys(settings.windowHours) as JobType[];
  for (const table of settings.tables) {
    const [namespace, name] = table.split(".");
    const key = { tableBucketARN: settings.tableBucketArn, namespace, name };
    let status: GetTableMaintenanceJobStatusCommandOutput["status"];
    let createdAt: Date | undefined;
    try {
      status = ((await deps.s3tables.send(new GetTableMaintenanceJobStatusCommand(key))) as GetTableMaintenanceJobStatusCommandOutput).status;
      if (jobs.some((j) => status?.[j]?.status === "Not_Yet_Run")) {
        createdAt = ((await deps.s3tables.send(new GetTableCommand(key))) as GetTableCommandOutput).createdAt;
      }
    } catch (e) {
      problems.push({ table, job: "status", problem: `status unavailable: ${(e as Error).message}` });
      continue;
    }
    hoursSinceRun[table] = {};
    for (const job of jobs) {
      const window = settings.windowHours[job];
      const s = status?.[job];
      const last = s?.lastRunTimestamp ? (now - s.lastRunTimestamp.getTime()) / HOUR_MS : undefined;
      if (last !== undefined) hoursSinceRun[table][job] = last;
      if (!s) {
        problems.push({ table, job, problem: "no status reported" });
      } else if (s.status === "Failed") {
        problems.push({ table, job, problem: `failed: ${s.failureMessage ?? "no message"}` });
      } else if (s.status === "Disabled") {
        problems.push({ table, job, problem: "disabled; the platform relies on it" });
      } else if (s.status === "Not_Yet_Run") {
        // A new table has had no chance to run yet; only one older than the window is overdue. A table whose age
        // S3 Tables does not report is treated as overdue, and said so, rather than as new.
        if (!createdAt) problems.push({ table, job, problem: `never run, table age unknown (window ${window} h)` });
        else {
          const age = (now - createdAt.getTime()) / HOUR_MS;
          if (age > window) problems.push({ table, job, problem: `never run, table is ${Math.round(age)} h old (window ${window} h)` });
        }
      } else if (last === undefined || last > window) {
        problems.push({ table, job, problem: `last run ${last === undefined ? "unknown" : `${Math.round(last)} h ago`} (window ${window} h)` });
      }
    }
  }
  const report: MaintenanceReport = { problems, hoursSinceRun };
  const metrics: Metric[] = [
    { name: OPERATIONS_METRICS.maintenanceProblems.metricName, value: problems.length, unit: "Count" },
    ...Object.entries(hoursSinceRun).flatMap(([table, byJob]) =>
      Object.entries(byJob).map(([job, value]) => ({
        name: OPERATIONS_METRICS.hoursSinceMaintenance.metricName,
        value: value!,
        unit: "None" as const,
        dimensions: { Table: table, Job: job },
      })),
    ),
  ];
  await deps.alerts.putMetrics(metrics);
  if (problems.length > 0) {
    await deps.alerts.notify(
      `retail S3 Tables maintenance: ${problems.length} problem(s)`,
      [...problems.map((p) => `${p.table} ${p.job}: ${p.problem}`), "", "What to do: README, Operations, alarm 'table maintenance'."].join("\n"),
    );
  }
  if (problems.some((p) => p.job === "status")) throw new MaintenanceFailed(report);
  return report;
}
