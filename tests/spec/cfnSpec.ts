import { loadAwsServiceSpecSync } from "@aws-cdk/aws-service-spec";
// Types only: aws-service-spec's declarations are written in its own types package, installed with it.
import type { PropertyType, Resource, ResourceProperties, SpecDatabase, TypeDefinition } from "@aws-cdk/service-spec-types";
import { PlannedResource } from "./policyDocuments";

/**
 * Judges aws-native inputs by the CloudFormation resource specification (@aws-cdk/aws-service-spec): aws-native is
 * generated from those schemas and sends its inputs to Cloud Control, which rejects a missing required property or a
 * value outside an enum. Pulumi names a property by lower-casing the first letter of its CloudFormation name
 * (`TableBucketARN` becomes `tableBucketArn`), so names are matched ignoring case.
 */
export class CfnSpec {
  private readonly byType = new Map<string, Resource>();

  constructor(private readonly db: SpecDatabase = loadAwsServiceSpecSync()) {
    for (const r of db.all("resource")) this.byType.set(r.cloudFormationType.toLowerCase(), r);
  }

  /** `aws-native:s3tables:Table` → the spec's `AWS::S3Tables::Table`, or undefined when CloudFormation has no such type. */
  resourceOf(token: string): Resource | undefined {
    const m = /^aws-native:([a-z0-9]+):([A-Za-z0-9]+)$/.exec(token);
    return m ? this.byType.get(`aws::${m[1]}::${m[2]}`.toLowerCase()) : undefined;
  }

  /** Every reason CloudFormation would refuse this aws-native resource's inputs, each naming the input path. */
  problems(r: PlannedResource): string[] {
    const spec = this.resourceOf(r.type);
    const where = `${r.type} ${r.name}`;
    if (!spec) return [`${where}: CloudFormation has no resource type for ${r.type}`];
    return this.objectProblems(r.inputs, spec.properties, spec.cloudFormationType).map((p) => `${where}: ${p}`);
  }

  private objectProblems(value: unknown, props: ResourceProperties, path: string): string[] {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return [`${path} should be an object, got ${JSON.stringify(value)}`];
    const input = value as Record<string, unknown>;
    const byLower = new Map(Object.keys(props).map((k) => [k.toLowerCase(), k]));
    const problems: string[] = [];
    for (const [key, v] of Object.entries(input)) {
      if (v === undefined) continue;
      const name = byLower.get(key.toLowerCase());
      if (!name) problems.push(`${path}.${key} is not a property CloudFormation knows (it has ${Object.keys(props).sort().join(", ")})`);
      else problems.push(...this.valueProblems(v, props[name].type, `${path}.${name}`));
    }
    for (const [name, prop] of Object.entries(props)) {
      const given = Object.keys(input).find((k) => k.toLowerCase() === name.toLowerCase() && input[k] !== undefined);
      if (prop.required && given === undefined) problems.push(`${path}.${name} is required and missing`);
    }
    return problems;
  }

  private valueProblems(value: unknown, type: PropertyType, path: string): string[] {
    const got = JSON.stringify(value);
    switch (type.type) {
      case "string":
        if (typeof value !== "string") return [`${path} should be a string, got ${got}`];
        return type.allowedValues && !type.allowedValues.includes(value)
          ? [`${path} = ${got} is not one of CloudFormation's allowed values ${type.allowedValues.join(" | ")}`]
          : [];
      case "integer":
        if (!Number.isInteger(value)) return [`${path} should be an integer, got ${got}`];
        return type.allowedValues && !type.allowedValues.includes(value as number)
          ? [`${path} = ${got} is not one of CloudFormation's allowed values ${type.allowedValues.join(" | ")}`]
          : [];
      case "number":
        return typeof value === "number" ? [] : [`${path} should be a number, got ${got}`];
      case "boolean":
        return typeof value === "boolean" ? [] : [`${path} should be a boolean, got ${got}`];
      case "date-time":
        return typeof value === "string" ? [] : [`${path} should be a date-time string, got ${got}`];
      case "json":
        return [];
      case "null":
        return value === null ? [] : [`${path} should be null, got ${got}`];
      case "tag":
        return this.objectProblems(value, TAG_PROPERTIES, path);
      case "array":
        return Array.isArray(value)
          ? value.flatMap((v, i) => this.valueProblems(v, type.element, `${path}[${i}]`))
          : [`${path} should be a list, got ${got}`];
      case "map":
        return value !== null && typeof value === "object" && !Array.isArray(value)
          ? Object.entries(value).flatMap(([k, v]) => this.valueProblems(v, type.element, `${path}.${k}`))
          : [`${path} should be a map, got ${got}`];
      case "union": {
        const each = type.types.map((t) => this.valueProblems(value, t, path));
        return each.some((p) => p.length === 0) ? [] : [`${path} matches none of its types: ${each.map((p) => p.join("; ")).join(" | ")}`];
      }
      case "ref": {
        const def: TypeDefinition = this.db.get("typeDefinition", type.reference.$ref);
        return this.objectProblems(value, def.properties, path);
      }
    }
  }
}

/** CloudFormation's Tag: Key and Value, both required. */
const TAG_PROPERTIES: ResourceProperties = { Key: { type: { type: "string" }, required: true }, Value: { type: { type: "string" }, required: true } };
