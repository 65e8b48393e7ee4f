import { serviceLinkedRoles } from "../../modules/bootstrap/resource-statements";
import type { BootstrappedApp } from "./bootstrap";
import { bootstrapSubstitutions, policiesNamed } from "./bootstrap";
import { type Decision, simulate } from "./iam";
import { resourcesOf } from "./synth";

/**
 * One environment's roles as the bootstrap stack attaches them, and requests to evaluate against them
 * with @cloud-copilot/iam-simulate: `deploy(action, resource, context)` as the deployer, `plan(…)` as
 * the planner.
 */
export function deployerFixture(app: BootstrappedApp, env: string, stackName: string) {
  const stack = app.stacks[stackName];
  const envStack = app.stacks[env];
  const inv = app.inventories[env];
  const { account } = inv;
  const region = inv.regions.find((r) => r !== "us-east-1") ?? inv.regions[0];
  const deployer = policiesNamed(stack, `fws-bootstrap-${env}-deployer`).map((p) => p.policy);
  const planner = policiesNamed(stack, `fws-bootstrap-${env}-planner`).map((p) => p.policy);
  const [boundary] = policiesNamed(stack, `fws-bootstrap-${env}-boundary`).map((p) => p.policy);
  const stateBucket = `arn:aws:s3:::fws-bootstrap-tfstate-${account}-${region}`;
  // A KMS key answers only when its key policy lets IAM decide: every key of the project (and the state
  // key) has the same account-administers policy (constructs/kms-key.ts).
  const [keyPolicy] = resourcesOf(envStack, "aws_kms_key").map(([, k]) => String(k.policy));
  const as =
    (policies: string[], role: string) =>
    (action: string, resource: string, context: Record<string, string> = {}): Promise<Decision> =>
      simulate({
        resourcePolicy: /^arn:aws:kms:[^:]+:\d+:key\//.test(resource) ? keyPolicy : undefined,
        identityPolicies: policies,
        principal: `arn:aws:iam::${account}:role/fws-bootstrap-${env}-${role}`,
        action,
        resource,
        resourceAccount: account,
        context,
        substitutions: bootstrapSubstitutions(account, region),
      });
  return {
    envStack,
    inv,
    account,
    region,
    planner,
    boundary,
    boundaryArn: `arn:aws:iam::${account}:policy/fws-bootstrap-${env}-boundary`,
    stateBucket,
    stateObject: `${stateBucket}/fargate-web-stack/fws/${env}.tfstate`,
    stateKey: bootstrapSubstitutions(account)("aws_kms_key.state_key_ABC.arn") as string,
    linked: serviceLinkedRoles(inv)[0],
    deploy: as(deployer, "deployer"),
    plan: as(planner, "planner"),
    arn: (service: string, resource: string, r = region) => `arn:aws:${service}:${r}:${account}:${resource}`,
    requestTags: { "aws:RequestTag/project": "fws", "aws:RequestTag/environment": env },
  };
}
