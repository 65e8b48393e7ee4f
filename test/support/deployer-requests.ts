import { CATALOGUE } from "../../facts/iam/catalogue";
import { RESOURCE_TYPE_CORRECTIONS } from "../../facts/iam/catalogue-corrections";
import { type Phase, RESOURCE_ACTIONS } from "../../facts/iam/resource-actions";
import { RESOURCE_SCOPES } from "../../facts/iam/resource-scopes";
import type { EnvironmentInventory } from "../../modules/bootstrap/inventory";
import { needsBoundary } from "../../modules/bootstrap/resource-statements";

/**
 * The requests Terraform makes for the resource types of an environment, one per action and resource
 * type, each on an ARN of that environment (a name under its prefix, or an id) with the tags and
 * condition values the AWS provider sends (default tags project and environment on every create).
 */
export interface DeployRequest {
  readonly type: string;
  readonly phase: Phase;
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string>;
}

const SAMPLE = "sample";

function sampleArn(format: string, key: string, inv: EnvironmentInventory): string {
  const scope = RESOURCE_SCOPES[key];
  const fill = (name: string) =>
    name
      .replaceAll("{prefix}", `${inv.project}-${inv.name}`)
      .replaceAll("{project}", inv.project)
      .replaceAll("{environment}", inv.name)
      .replaceAll("*", SAMPLE);
  const name =
    scope.by === "name" || scope.by === "fixed"
      ? fill(scope.names[0])
      : scope.by === "zones"
        ? inv.hostedZoneIds[0]
        : `${SAMPLE}-id`;
  const known: Record<string, string> = {
    Partition: inv.partition,
    Region: inv.regions[0],
    Account: inv.account,
    Scope: "regional",
  };
  const plain = format.replace(/\[[^\]]*\]/g, "");
  const variables = [...plain.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]).filter((v) => !known[v]);
  const target = (scope.by === "name" && scope.variable) || variables[0];
  return plain.replace(/\$\{(\w+)\}/g, (_, v: string) => known[v] ?? (v === target ? name : SAMPLE));
}

function tags(kind: "aws:RequestTag" | "aws:ResourceTag", inv: EnvironmentInventory): Record<string, string> {
  return { [`${kind}/project`]: inv.project, [`${kind}/environment`]: inv.name };
}

export function deployRequests(
  inv: EnvironmentInventory,
  phases: readonly Phase[],
  boundaryArn: string,
  serviceLinkedRole: string,
): DeployRequest[] {
  const out: DeployRequest[] = [];
  for (const type of inv.resourceTypes) {
    for (const phase of phases) {
      for (const action of RESOURCE_ACTIONS[type][phase] ?? []) {
        // iam-simulate reads the same catalogue, whose ELB entries are corrected for the generator only.
        if (RESOURCE_TYPE_CORRECTIONS[action]) continue;
        const entry = CATALOGUE.actions[action];
        const service = action.split(":")[0];
        const types = Object.entries(entry.resourceTypes).filter(([t]) => {
          const scope = RESOURCE_SCOPES[`${service}:${t}`];
          return scope && !(phase === "tag" && (scope.by === "fixed" || scope.by === "any"));
        });
        const targets: [string, string[], boolean][] =
          types.length === 0
            ? [["*", [], false]]
            : types.map(([t, facts]) => [
                sampleArn(CATALOGUE.resourceTypes[`${service}:${t}`].arn, `${service}:${t}`, inv),
                [
                  ...facts.conditionKeys,
                  ...CATALOGUE.resourceTypes[`${service}:${t}`].conditionKeys.filter(
                    (k) => k === "aws:ResourceTag",
                  ),
                ],
                RESOURCE_SCOPES[`${service}:${t}`].by === "tag",
              ]);
        for (const [resource, typeKeys, tagged] of targets) {
          const keys = new Set([...typeKeys, ...entry.conditionKeys]);
          const context: Record<string, string> = {};
          const request = keys.has("aws:RequestTag") ? tags("aws:RequestTag", inv) : {};
          const existing = tagged && keys.has("aws:ResourceTag") ? tags("aws:ResourceTag", inv) : {};
          if ((tagged || resource === "*") && phase !== "read") {
            // Tagging changes an existing resource (its tags, the same values); creating sets them.
            if (phase === "tag") Object.assign(context, existing, request);
            else if (phase === "create" && keys.has("aws:RequestTag")) Object.assign(context, request);
            else Object.assign(context, existing);
          }
          if (needsBoundary(action)) context["iam:PermissionsBoundary"] = boundaryArn;
          if (keys.has("iam:AWSServiceName")) context["iam:AWSServiceName"] = serviceLinkedRole;
          out.push({ type, phase, action, resource, context });
          // …and tagging while creating: the new resource has no tags yet (EC2 names the creating call).
          const removing = /:(Untag|DeleteTags|RemoveTags)/.test(action);
          if (phase === "tag" && tagged && keys.has("aws:RequestTag") && !removing) {
            const ec2Create = RESOURCE_ACTIONS[type].create?.find((a) => a.startsWith("ec2:"));
            if (service === "ec2" && !ec2Create) continue;
            const onCreate: Record<string, string> = ec2Create
              ? { "ec2:CreateAction": ec2Create.slice(4) }
              : {};
            out.push({ type, phase, action, resource, context: { ...request, ...onCreate } });
          }
        }
      }
    }
  }
  return out;
}
