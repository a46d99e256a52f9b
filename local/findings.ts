import type { CostEstimate } from "../core/cost";
import { unwrittenColumnMessage, type UnwrittenColumn } from "../core/sql/columnWriters";
import type { Diagnostic } from "./analyzer";

/** The plan's own findings beside the pack's (the cost ceiling) and how all findings are filed and ordered. */

export interface Violation {
  readonly policy: string;
  readonly enforcementLevel: "mandatory" | "advisory";
  readonly urn: string;
  readonly message: string;
}

const COST_CEILING_KEY = "retail:monthlyCostCeilingUsd";

/** The whole plan's estimate above the stack's configured ceiling: a mandatory, stack-wide finding. */
export function costCeilingFinding(cost: CostEstimate, config: Readonly<Record<string, string>>): Diagnostic[] {
  const raw = config[COST_CEILING_KEY];
  const ceiling = Number(raw);
  if (raw === undefined || cost.monthlyUsd <= ceiling) return [];
  const finding = (message: string): Diagnostic[] => [
    {
      policy: "monthly-cost-ceiling",
      enforcementLevel: "mandatory",
      urn: "",
      description: "The plan's monthly cost estimate stays within the stack's retail:monthlyCostCeilingUsd.",
      message,
    },
  ];
  // Another team's program has no config schema of ours: an unreadable ceiling is a finding, never no ceiling.
  if (!(ceiling > 0)) return finding(`${COST_CEILING_KEY} = ${JSON.stringify(raw)} is not a positive number of USD. Fix: write it as e.g. 10000.`);
  const top = [...cost.items].sort((a, b) => b.monthlyUsd - a.monthlyUsd).slice(0, 3);
  return finding(
    `the plan is estimated at $${cost.monthlyUsd} a month, above ${COST_CEILING_KEY} = ${ceiling} ` +
      `(largest: ${top.map((i) => `${i.service} ${i.resource} $${i.monthlyUsd}`).join(", ")}). ` +
      `Fix: find the item that grew in the plan's cost section, or raise the ceiling if the spend is intended.`,
  );
}

/**
 * A column of a table the merges write that no statement names (core/sql/columnWriters.ts): advisory, since a new
 * nullable column may be meant to stay NULL until its producer sends it, but nothing should be NULL by oversight.
 */
export function unwrittenColumnFindings(columns: readonly UnwrittenColumn[]): Diagnostic[] {
  return columns.map((c) => ({
    policy: "schema-column-unwritten",
    enforcementLevel: "advisory",
    urn: "",
    description: "Every column of a table the platform's SQL writes is written by some statement.",
    message: unwrittenColumnMessage(c),
  }));
}

/** The URN the engine gives a stack's root resource, which a stack-wide finding with no resource belongs to. */
export function stackUrn(project: string, stack: string): string {
  return `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
}

/** The pack's diagnostics as the plan reports them: sorted, and a stack-wide one filed under the stack's URN. */
export function violationsOf(diagnostics: readonly Diagnostic[], stack: string): Violation[] {
  return diagnostics
    .map((d) => ({
      policy: d.policy,
      enforcementLevel: d.enforcementLevel as Violation["enforcementLevel"],
      urn: d.urn || stack,
      message: d.message,
    }))
    .sort((a, b) => rank(a).localeCompare(rank(b)));
}

// Registration order under mocks follows promise resolution; sorted output keeps plans diffable in CI.
const rank = (v: Violation) => `${v.enforcementLevel === "mandatory" ? 0 : 1}\u0000${v.policy}\u0000${v.urn}\u0000${v.message}`;
