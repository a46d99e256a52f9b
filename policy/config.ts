import { EnforcementLevel, PolicyConfigSchema } from "@pulumi/policy";
import { ATHENA_MIN_BYTES_SCANNED_CUTOFF, SPICE_ROW_CAP, UNTESTED_PEAK_RECORDS_PER_SECOND } from "../core/limits";

/**
 * Every policy's default enforcement level and settings, in one place. The pack publishes the settings as
 * each policy's configSchema (with these defaults), so `pulumi preview --policy-pack policy
 * --policy-pack-config <file>` can change a level or a threshold without a code change; the policies read
 * the same defaults when no config is given.
 */

interface Setting {
  readonly type: "integer" | "number" | "string" | "boolean" | "array" | "object";
  readonly description: string;
  readonly default: unknown;
  readonly minimum?: number;
  readonly items?: { readonly type: "string" };
}

interface PolicyDefaults {
  readonly enforcementLevel: EnforcementLevel;
  readonly settings: Readonly<Record<string, Setting>>;
}

const stringList = (description: string, def: string[]): Setting => ({ type: "array", items: { type: "string" }, description, default: def });

export const POLICY_DEFAULTS = {
  "spice-row-cap": {
    enforcementLevel: "mandatory",
    settings: {
      maxRows: { type: "integer", minimum: 1, default: SPICE_ROW_CAP, description: "Largest expected row count a SPICE dataset may import." },
    },
  },
  "spice-expected-rows-declared": { enforcementLevel: "advisory", settings: {} },
  // What each KPI's view reads is the catalog's word (written here by `npm run policy:config`), never the dataset's own tag.
  "spice-refresh-within-cutoff": {
    enforcementLevel: "mandatory",
    settings: {
      kpiSourceProducts: {
        type: "object",
        default: {},
        description:
          "The catalog's source products by KPI: {<kpi>: [<product>, ...]}. A SPICE dataset whose retail:kpi is not listed is taken to read every streamed product of the stack.",
      },
    },
  },
  // Which tables are event tables is the platform's word (its DDL in sql/, written here by `npm run policy:config`), never the table's own tag.
  "iceberg-event-tables-partitioned-by-day": {
    enforcementLevel: "mandatory",
    settings: {
      tables: {
        type: "object",
        default: {},
        description:
          'The platform\'s table definitions by <namespace>.<table>: {semantics: event|snapshot, eventTimeColumn?, partitionBy: ["day(col)", ...], source}. A table not listed is held to the event-table rule.',
      },
    },
  },
  "kinesis-shards-for-peak": { enforcementLevel: "mandatory", settings: {} },
  "kinesis-peak-declared": { enforcementLevel: "advisory", settings: {} },
  "kinesis-peak-load-tested": {
    enforcementLevel: "advisory",
    settings: {
      maxTestedRecordsPerSecond: {
        type: "integer",
        minimum: 1,
        default: UNTESTED_PEAK_RECORDS_PER_SECOND,
        description: "Highest sustained records/s the architecture has been load-tested at.",
      },
    },
  },
  "athena-workgroup-enforced": { enforcementLevel: "mandatory", settings: {} },
  "athena-bytes-scanned-cutoff": {
    enforcementLevel: "mandatory",
    settings: {
      maxBytesScannedCutoffPerQuery: {
        type: "integer",
        minimum: ATHENA_MIN_BYTES_SCANNED_CUTOFF,
        default: 1024 ** 4,
        description: "Largest per-query bytes-scanned cutoff a workgroup may set (default 1 TiB).",
      },
    },
  },
  "athena-results-encrypted": { enforcementLevel: "mandatory", settings: {} },
  // Steward approval is the KPI catalog's word (written here by `npm run policy:config`), never the topic's own tag.
  "amazon-q-topic-steward-approved": {
    enforcementLevel: "mandatory",
    settings: {
      approvedKpis: stringList("KPIs the catalog marks steward_approved = true; only these get an Amazon Q topic.", []),
      unapprovedKpis: stringList("KPIs the catalog lists without steward approval, named as such in messages.", []),
      catalog: { type: "string", default: "", description: "The catalog's file name, quoted in messages." },
    },
  },
  // Which tables hold personal data, and who may read them, is the platform's word (the sql/ DDL headers, written here by `npm run policy:config`).
  "lakeformation-pii-grants": {
    enforcementLevel: "mandatory",
    settings: {
      tables: {
        type: "object",
        default: {},
        description:
          "The platform's PII tables by <namespace>.<table>: {readers: [role-name part, ...], source}. A Lake Formation grant on one to a principal whose role name carries none of its readers is a violation.",
      },
    },
  },
  "encryption-at-rest": { enforcementLevel: "mandatory", settings: {} },
  "s3-bucket-encrypted": { enforcementLevel: "mandatory", settings: {} },
  "s3-bucket-public-access-blocked": { enforcementLevel: "mandatory", settings: {} },
  "iam-no-wildcard-action": { enforcementLevel: "mandatory", settings: {} },
  "iam-no-wildcard-resource-on-data-store": {
    enforcementLevel: "mandatory",
    settings: {
      dataStoreServices: stringList("IAM service prefixes whose actions must name their resources.", [
        "s3",
        "s3tables",
        "kinesis",
        "firehose",
        "glue",
        "dynamodb",
      ]),
      // These actions have no resource-level permissions in IAM: "*" is the only Resource they accept.
      resourceLessActions: stringList('Actions that only accept Resource "*".', [
        "s3:ListAllMyBuckets",
        "s3tables:ListTableBuckets",
        "kinesis:ListStreams",
        "firehose:ListDeliveryStreams",
        "glue:GetCatalogs",
      ]),
    },
  },
  "iam-no-broad-action-on-any-resource": {
    enforcementLevel: "mandatory",
    settings: {
      // Each lets a holder act as someone else or read secrets: on "*" it reaches every role, secret, key or function.
      sensitiveActions: stringList('Actions that must name their resources (a statement\'s pattern matching one on "*" is reported).', [
        "iam:PassRole",
        "iam:CreateAccessKey",
        "iam:CreatePolicyVersion",
        "iam:AttachRolePolicy",
        "iam:PutRolePolicy",
        "iam:UpdateAssumeRolePolicy",
        "sts:AssumeRole",
        "secretsmanager:GetSecretValue",
        "kms:Decrypt",
        "ssm:GetParameter",
        "ssm:GetParameters",
        "lambda:UpdateFunctionCode",
      ]),
    },
  },
  "iam-no-public-trust": { enforcementLevel: "mandatory", settings: {} },
  "iam-no-broad-managed-policies": {
    enforcementLevel: "mandatory",
    settings: {
      allowedPolicyArns: stringList("AWS-managed policy ARNs exempted from the FullAccess/PowerUser ban.", []),
    },
  },
  "prod-stateful-protected": {
    enforcementLevel: "mandatory",
    settings: {
      protectedEnvironments: stringList("Values of the retail:environment tag whose stateful resources must be protected.", ["prod"]),
    },
  },
  "platform-streaming-products-complete": { enforcementLevel: "mandatory", settings: {} },
  // The catalog lives in the program's repository, not in the pack: `npm run policy:config` writes it into policy/pack-config.json.
  "platform-catalog-kpis-have-datasets": {
    enforcementLevel: "mandatory",
    settings: {
      kpis: stringList("Every KPI of the catalog; each needs a QuickSight dataset tagged with it.", []),
      catalog: { type: "string", default: "", description: "The catalog's file name, quoted in messages." },
    },
  },
  // Every lane (stream or batch) lands in bronze and merges into silver, so every product's silver table has a
  // source to be counted against: a table Operations does not reconcile can lose rows without anyone noticing.
  "platform-silver-tables-reconciled": { enforcementLevel: "mandatory", settings: {} },
} as const satisfies Record<string, PolicyDefaults>;

export type PolicyName = keyof typeof POLICY_DEFAULTS;

/** The configSchema published for a policy: its settings with their defaults. */
export function configSchemaFor(name: PolicyName): PolicyConfigSchema | undefined {
  const settings: Record<string, Setting> = POLICY_DEFAULTS[name].settings;
  if (Object.keys(settings).length === 0) return undefined;
  return { properties: Object.fromEntries(Object.entries(settings).map(([k, s]) => [k, { ...s }])) } as PolicyConfigSchema;
}

/** A policy's settings: its defaults, overridden by whatever the pack config supplies. */
export function settingsFor<T extends object>(name: PolicyName, args: { getConfig<C extends object>(): C }): T {
  const settings: Record<string, Setting> = POLICY_DEFAULTS[name].settings;
  const defaults = Object.fromEntries(Object.entries(settings).map(([k, s]) => [k, s.default]));
  return { ...defaults, ...args.getConfig<Partial<T>>() } as T;
}

/** The fields every policy shares, taken from the defaults above so a name and its level are spelled once. */
export function policyHeader(name: PolicyName, description: string) {
  const configSchema = configSchemaFor(name);
  return {
    name,
    description,
    enforcementLevel: POLICY_DEFAULTS[name].enforcementLevel as EnforcementLevel,
    ...(configSchema ? { configSchema } : {}),
  };
}
