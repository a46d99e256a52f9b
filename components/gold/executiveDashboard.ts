import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as quicksightNative from "@pulumi/aws-native/quicksight";
import { KpiVisualSpec } from "../../core/kpiVisuals";
import { TAG } from "../../core/tags";
import { executiveDashboardDefinition } from "./dashboardDefinition";

/** What an owner group may do: open the dashboard and its versions (QuickSight's viewer set). */
export const VIEWER_DASHBOARD_ACTIONS = ["quicksight:DescribeDashboard", "quicksight:ListDashboardVersions", "quicksight:QueryDashboard"];

/** What the platform's author group may do: QuickSight's owner set; the definition still changes only through the catalog. */
export const AUTHOR_DASHBOARD_ACTIONS = [
  ...VIEWER_DASHBOARD_ACTIONS,
  "quicksight:DescribeDashboardPermissions",
  "quicksight:UpdateDashboard",
  "quicksight:UpdateDashboardPermissions",
  "quicksight:UpdateDashboardPublishedVersion",
  "quicksight:DeleteDashboard",
];

export interface ExecutiveDashboardArgs {
  /** Each KPI's visual spec (core/kpiVisuals), one per catalog row. */
  readonly kpis: readonly KpiVisualSpec[];
  /** KpiDataset ARN by KPI. */
  readonly datasetArns: Readonly<Record<string, pulumi.Input<string>>>;
  readonly awsAccountId: pulumi.Input<string>;
  /** The owner teams' QuickSight group ARNs: read-only. */
  readonly viewerArns: readonly pulumi.Input<string>[];
  /** The platform's QuickSight author group ARN: full control. */
  readonly authorArn: pulumi.Input<string>;
  readonly environment: string;
  readonly tags?: Record<string, string>;
}

/** A short digest of the definition: the version description, so a new version says which definition it holds. */
export function definitionDigest(definition: unknown): string {
  return crypto.createHash("sha256").update(JSON.stringify(definition)).digest("hex").slice(0, 12);
}

/**
 * The executive dashboard: QuickSight's aws-native Dashboard with its definition built from the KPI catalog
 * (classic @pulumi/aws 7.48 has no `definition` input). Owner groups view, the platform's author group owns it.
 */
export class ExecutiveDashboard extends pulumi.ComponentResource {
  public readonly dashboard: quicksightNative.Dashboard;
  public readonly dashboardId: pulumi.Output<string>;
  public readonly arn: pulumi.Output<string>;
  /** The version QuickSight publishes (CloudFormation publishes each new version). */
  public readonly versionNumber: pulumi.Output<number>;

  constructor(name: string, args: ExecutiveDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
    super("retail:analytics:ExecutiveDashboard", name, {}, opts);
    let digest: string;
    try {
      // The ARNs replaced by the KPI names: validates the catalog before any child registers, and digests what the
      // catalog decides (the ARNs follow the datasets, whose ids are stable).
      digest = definitionDigest(executiveDashboardDefinition(args.kpis, Object.fromEntries(args.kpis.map((k) => [k.kpi, k.kpi]))));
    } catch (e) {
      throw new pulumi.ResourceError((e as Error).message, this);
    }
    for (const k of args.kpis) {
      if (!args.datasetArns[k.kpi])
        throw new pulumi.ResourceError(`ExecutiveDashboard: KPI "${k.kpi}" has no dataset ARN. Fix: create its KpiDataset and pass its arn.`, this);
    }
    const definition = pulumi.output(args.datasetArns).apply((arns) => executiveDashboardDefinition(args.kpis, arns));
    this.dashboard = new quicksightNative.Dashboard(
      `${name}-dashboard`,
      {
        awsAccountId: args.awsAccountId,
        dashboardId: name,
        name: `Retail executive KPIs (${args.environment})`,
        definition,
        versionDescription: `KPI catalog definition ${digest}`,
        permissions: [
          { principal: args.authorArn, actions: AUTHOR_DASHBOARD_ACTIONS },
          ...args.viewerArns.map((principal) => ({ principal, actions: VIEWER_DASHBOARD_ACTIONS })),
        ],
        tags: Object.entries({ ...args.tags, [TAG.component]: "ExecutiveDashboard" })
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([key, value]) => ({ key, value })),
      },
      { parent: this },
    );
    this.dashboardId = this.dashboard.dashboardId;
    this.arn = this.dashboard.arn;
    this.versionNumber = this.dashboard.version.apply((v) => {
      if (v?.versionNumber === undefined) throw new pulumi.ResourceError(`QuickSight returned no version for dashboard ${name}.`, this);
      return v.versionNumber;
    });
    this.registerOutputs({ dashboardId: this.dashboardId, arn: this.arn, versionNumber: this.versionNumber });
  }
}
