/**
 * docker/ci/deploy-rolling.sh, the rolling deploy: registers the rendered task definition, updates the
 * service to exactly the revision that returned, waits, and fails when the service ends on another revision.
 * Run with a stand-in `aws`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BUILD_OUTPUT, DEPLOY_ENV } from "../../modules/pipeline/build-contract";
import { type Answer, type StandIns, standIns } from "./pipeline-stand-ins";

const REVISION = "arn:aws:ecs:eu-west-1:111111111111:task-definition/fws-dev-site:42";
const PREVIOUS = "arn:aws:ecs:eu-west-1:111111111111:task-definition/fws-dev-site:41";
const ENV = { [DEPLOY_ENV.cluster]: "fws-dev", [DEPLOY_ENV.service]: "fws-dev-site" };

const registered: Answer = { when: ["register-task-definition"], stdout: `${REVISION}\n` };
const updated: Answer = {
  when: ["update-service"],
  stdout: "arn:aws:ecs:eu-west-1:111111111111:service/fws-dev/fws-dev-site\n",
};
const stable: Answer = { when: ["wait", "services-stable"] };
const notYet: Answer = {
  when: ["wait", "services-stable"],
  stderr: "Waiter ServicesStable failed: Max attempts exceeded\n",
  code: 255,
  once: true,
};
const primary = (arn: string, state: string, once = false): Answer => ({
  when: ["describe-services"],
  stdout: `${arn}\t${state}\n`,
  once,
});

let ci: StandIns;
afterEach(() => ci?.cleanup());

function deploy(aws: Answer[], env: Record<string, string> = ENV, withTaskdef = true) {
  ci = standIns({ aws });
  if (withTaskdef) writeFileSync(join(ci.dir, BUILD_OUTPUT.taskDefinition), '{"family":"fws-dev-site"}\n');
  return ci.run("deploy-rolling.sh", [BUILD_OUTPUT.taskDefinition], env);
}
const awsCommands = () => ci.calls("aws").map((c) => c.slice(1).join(" "));

describe("docker/ci/deploy-rolling.sh", () => {
  it("registers taskdef.json, updates the service to the ARN that returned, and waits until it is stable", () => {
    const result = deploy([registered, updated, stable, primary(REVISION, "COMPLETED")]);
    expect(result.status).toBe(0);
    expect(awsCommands()).toEqual([
      "ecs register-task-definition --cli-input-json file://taskdef.json --query taskDefinition.taskDefinitionArn --output text",
      `ecs update-service --cluster fws-dev --service fws-dev-site --task-definition ${REVISION} --query service.serviceArn --output text`,
      "ecs wait services-stable --cluster fws-dev --services fws-dev-site",
      "ecs describe-services --cluster fws-dev --services fws-dev-site --query " +
        "services[0].deployments[?status==`PRIMARY`] | [0].[taskDefinition, rolloutState] --output text",
    ]);
    expect(result.stderr).toContain(`fws-dev-site of fws-dev runs ${REVISION}`);
  });

  it("fails when the circuit breaker rolled the service back: stable, but on the previous revision", () => {
    const result = deploy([registered, updated, stable, primary(PREVIOUS, "COMPLETED")]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `fws-dev-site rolled back: its primary deployment runs ${PREVIOUS}, not ${REVISION}`,
    );
  });

  it("waits again while the rollout is still in progress, then succeeds", () => {
    const result = deploy([
      registered,
      updated,
      notYet,
      primary(REVISION, "IN_PROGRESS", true),
      stable,
      primary(REVISION, "COMPLETED"),
    ]);
    expect(result.status).toBe(0);
    expect(awsCommands().filter((c) => c.startsWith("ecs wait"))).toHaveLength(2);
    expect(result.stderr).toContain("still rolling out");
  });

  it("gives up after three waits of a rollout that never settles", () => {
    const result = deploy([
      registered,
      updated,
      { ...notYet, once: false },
      primary(REVISION, "IN_PROGRESS"),
    ]);
    expect(result.status).toBe(1);
    expect(awsCommands().filter((c) => c.startsWith("ecs wait"))).toHaveLength(3);
    expect(result.stderr).toContain(`is not stable on ${REVISION} after 3 waits`);
  });

  it("fails at once when the deployment failed, without waiting again", () => {
    const result = deploy([registered, updated, notYet, primary(REVISION, "FAILED")]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`the deployment of ${REVISION} failed: rollout state FAILED`);
    expect(awsCommands().filter((c) => c.startsWith("ecs wait"))).toHaveLength(1);
  });

  it("does not touch the service when the revision cannot be registered", () => {
    const denied = {
      when: ["register-task-definition"],
      stderr: "An error occurred (AccessDeniedException)\n",
      code: 254,
    };
    const result = deploy([denied]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("AccessDeniedException");
    expect(result.stderr).toContain("could not register taskdef.json");
    expect(awsCommands()).toHaveLength(1);
  });

  it("stops when updating the service fails, before waiting", () => {
    const result = deploy([
      registered,
      { when: ["update-service"], stderr: "ServiceNotFoundException\n", code: 254 },
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `could not update service fws-dev-site of cluster fws-dev to ${REVISION}`,
    );
    expect(awsCommands()).toHaveLength(2);
  });

  it.each([
    ["no cluster", { [DEPLOY_ENV.service]: "fws-dev-site" }, true, 64, "CLUSTER_NAME is not set"],
    ["no service", { [DEPLOY_ENV.cluster]: "fws-dev" }, true, 64, "SERVICE_NAME is not set"],
    ["no taskdef.json", ENV, false, 66, "taskdef.json does not exist"],
  ])("refuses to start with %s", (_, env, withTaskdef, code, message) => {
    const result = deploy([], env, withTaskdef);
    expect(result.status).toBe(code);
    expect(result.stderr).toContain(message);
    expect(ci.calls()).toEqual([]);
  });
});
