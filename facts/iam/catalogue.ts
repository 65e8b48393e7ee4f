import data from "./catalogue.json";

/** Condition keys the generator writes, where the IAM catalogue says they apply. */
export type ConditionKey =
  | "aws:RequestTag"
  | "aws:ResourceTag"
  | "iam:PermissionsBoundary"
  | "iam:PassedToService"
  | "iam:AWSServiceName";

export interface CatalogueAction {
  /** IAM resource types (of the action's service) the action authorizes on; none: `*` only. */
  resourceTypes: Record<string, { required: boolean; conditionKeys: ConditionKey[] }>;
  /** Condition keys of the action itself. */
  conditionKeys: ConditionKey[];
}

/** What the IAM catalogue says about the actions the bootstrap names (written by `npm run iam:catalogue`). */
export interface Catalogue {
  source: string;
  actions: Record<string, CatalogueAction>;
  /**
   * `service:type` → its ARN format (`arn:${Partition}:ec2:${Region}:${Account}:subnet/${SubnetId}`) and
   * the condition keys of the type itself, which apply to every action on it (aws:ResourceTag for KMS keys).
   */
  resourceTypes: Record<string, { arn: string; conditionKeys: ConditionKey[] }>;
}

export const CATALOGUE = data as Catalogue;

/** The catalogue's entry of an action; throws when the catalogue lacks it (run `npm run iam:catalogue`). */
export function catalogued(action: string): CatalogueAction {
  const entry = CATALOGUE.actions[action];
  if (!entry) {
    throw new Error(
      `facts/iam/catalogue.json: actions: expected an entry for ${action}, got none (run npm run iam:catalogue)`,
    );
  }
  return entry;
}
