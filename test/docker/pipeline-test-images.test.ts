/**
 * docker/ci/test-images.sh: the built images run as the task runs them, before any push. Run with stand-ins
 * for aws, docker and curl: the test reads the docker commands the script gives, which are the task's.
 */
import { APP, APP_SOCKET_PATH, NODE, WEB } from "../../docker/contract";
import { loadConfig } from "../support/synth";
import { type StandIns, standIns } from "./pipeline-stand-ins";
import {
  CURL_OK,
  describedTemplate,
  dockerAnswers,
  PREFIX,
  PUBLISHED,
  REQUEST_ID,
} from "./support/image-test-answers";

const TEMPLATE = "arn:aws:ecs:eu-west-1:222222222222:task-definition/fws-prod-site:7";
const WEB_IMAGE = "222222222222.dkr.ecr.eu-west-1.amazonaws.com/fws-prod/site/web:0123456789ab";
const APP_IMAGE = "222222222222.dkr.ecr.eu-west-1.amazonaws.com/fws-prod/site/app:0123456789ab";
const prod = loadConfig("config/prod.yaml");
const PROD = describedTemplate("config/prod.yaml");

let ci: StandIns;
afterEach(() => ci?.cleanup());

function run(
  options: { docker?: ReturnType<typeof dockerAnswers>; template?: string; images?: string[] } = {},
) {
  ci = standIns({
    aws: [{ when: ["describe-task-definition", TEMPLATE], stdout: options.template ?? PROD }],
    docker: options.docker ?? dockerAnswers(WEB.name),
    curl: CURL_OK,
  });
  return ci.run("test-images.sh", options.images ?? [`web=${WEB_IMAGE}`, `app=${APP_IMAGE}`], {
    TEMPLATE_TASK_DEFINITION_ARN: TEMPLATE,
  });
}
const docker = () => ci.calls("docker").map((c) => c.slice(1));
const runOf = (name: string) => docker().find((c) => c[0] === "run" && c.includes(`${PREFIX}-${name}`)) ?? [];
/** The value after each occurrence of `flag`. */
const valuesOf = (args: string[], flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));

describe("docker/ci/test-images.sh, web + app (the prod template)", () => {
  it("passes, and says what it checked", () => {
    const result = run();
    expect(result.stderr).toContain("app web passed: requests through web, JSON logs, graceful stop");
    expect(result.status).toBe(0);
  });

  it.each([
    { c: APP, image: APP_IMAGE },
    { c: WEB, image: WEB_IMAGE },
  ])(
    "runs $c.name as the task does: its user, read-only root, no capabilities, init, limits, its image",
    ({ c, image }) => {
      run();
      const args = runOf(c.name);
      expect(valuesOf(args, "--user")).toEqual([c.user]);
      expect(args).toContain("--read-only");
      expect(args).toContain("--init");
      expect(valuesOf(args, "--cap-drop")).toEqual(["ALL"]);
      expect(valuesOf(args, "--ulimit")).toEqual(["nofile=65536:65536"]);
      expect(valuesOf(args, "--stop-timeout")).toEqual([String(prod.services[0].stopTimeoutSeconds)]);
      expect(valuesOf(args, "--network")).toEqual([PREFIX]);
      expect(args.at(-1)).toBe(image);
    },
  );

  it("shares the socket's volume between app and web (read-only in web), and gives every other volume a tmpfs of the container's user", () => {
    run();
    const socket = `type=volume,src=${PREFIX}-uwsgi-socket,dst=/run/uwsgi`;
    expect(valuesOf(runOf(APP.name), "--mount")).toEqual([socket]);
    expect(valuesOf(runOf(WEB.name), "--mount")).toEqual([`${socket},readonly`]);
    expect(APP_SOCKET_PATH.startsWith("/run/uwsgi/")).toBe(true);
    const owner = (user: string) => `uid=${user.split(":")[0]},gid=${user.split(":")[1]}`;
    expect(valuesOf(runOf(APP.name), "--tmpfs")).toEqual([
      `/tmp:rw,nosuid,nodev,mode=0750,${owner(APP.user)}`,
    ]);
    expect(valuesOf(runOf(WEB.name), "--tmpfs").sort()).toEqual(
      ["/run/nginx", "/var/cache/nginx"].map((p) => `${p}:rw,nosuid,nodev,mode=0750,${owner(WEB.user)}`),
    );
    expect(docker()).toContainEqual(["volume", "create", `${PREFIX}-uwsgi-socket`]);
  });

  it("gives web the template's environment and publishes only web's port, on the loopback", () => {
    run();
    expect(valuesOf(runOf(WEB.name), "--env")).toContain(`VPC_CIDR=${prod.network.cidr}`);
    expect(valuesOf(runOf(WEB.name), "--publish")).toEqual([`127.0.0.1::${WEB.port}`]);
    expect(valuesOf(runOf(APP.name), "--publish")).toEqual([]);
    // Secrets come from AWS at task start: a placeholder stands in.
    expect(valuesOf(runOf(APP.name), "--env")).toContain("APP_SECRET_KEY=image-test-placeholder");
  });

  it("starts app, waits for its ECS health check, then starts web (web dependsOn app HEALTHY)", () => {
    run();
    const calls = docker().map((c) => c.join(" "));
    const appRun = calls.findIndex((c) => c.startsWith("run ") && c.includes(`${PREFIX}-app `));
    const appHealthy = calls.indexOf(`exec ${PREFIX}-app ${APP.healthCheckCommand.slice(1).join(" ")}`);
    const webRun = calls.findIndex((c) => c.startsWith("run ") && c.includes(`${PREFIX}-web `));
    expect(appRun).toBeGreaterThanOrEqual(0);
    expect(appHealthy).toBeGreaterThan(appRun);
    expect(webRun).toBeGreaterThan(appHealthy);
    expect(calls).toContain(`exec ${PREFIX}-web ${WEB.healthCheckCommand.slice(1).join(" ")}`);
  });

  it("sends its request through nginx's published port", () => {
    run();
    expect(docker()).toContainEqual(["port", `${PREFIX}-web`, String(WEB.port)]);
    expect(ci.calls("curl").map((c) => c.at(-1))).toEqual([`http://${PUBLISHED}/`]);
  });

  it("stops web before app, each within the template's stopTimeout, then removes all it made", () => {
    run();
    const calls = docker().map((c) => c.join(" "));
    const timeout = prod.services[0].stopTimeoutSeconds;
    const stops = calls.filter((c) => c.startsWith("stop "));
    expect(stops).toEqual([`stop --time ${timeout} ${PREFIX}-web`, `stop --time ${timeout} ${PREFIX}-app`]);
    expect(calls.slice(-4)).toEqual([
      `rm --force --volumes ${PREFIX}-app`,
      `rm --force --volumes ${PREFIX}-web`,
      `volume rm --force ${PREFIX}-uwsgi-socket`,
      `network rm ${PREFIX}`,
    ]);
  });

  it("fails on a stdout line that is not JSON, naming the container, and still cleans up", () => {
    const result = run({ docker: dockerAnswers(WEB.name, { app: "*** Starting uWSGI 2.0.28 ***\n" }) });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("app wrote a stdout line that is not JSON: *** Starting uWSGI");
    expect(docker().map((c) => c.join(" "))).toContain(`network rm ${PREFIX}`);
  });

  it("fails when the request's id is not in the front container's log", () => {
    const result = run({ docker: dockerAnswers(WEB.name, { web: '{"request_id":"another"}\n' }) });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`web's log has no line for request ${REQUEST_ID}`);
  });

  it("fails when a container does not stop gracefully (exit code other than 0)", () => {
    const answers = dockerAnswers(WEB.name);
    answers.unshift({ when: ["inspect", "{{.State.ExitCode}}", `${PREFIX}-web`], stdout: "137\n" });
    const result = run({ docker: answers });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("web exited 137 on stop, not 0 (a graceful stop)");
  });

  it("fails when a container exits before its health check passes, showing its last log lines", () => {
    const answers = dockerAnswers(WEB.name);
    answers.unshift(
      { when: ["exec", `${PREFIX}-app`], code: 1 },
      { when: ["inspect", "{{.State.Running}}", `${PREFIX}-app`], stdout: "false\n" },
      { when: ["logs", "--tail", "20", `${PREFIX}-app`], stdout: "uwsgi: no socket\n" },
    );
    const result = run({ docker: answers });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("app exited before its health check passed: uwsgi: no socket");
    expect(docker().filter((c) => c[0] === "run")).toHaveLength(1);
  });

  it("refuses images that do not match the template's containers", () => {
    const result = run({ images: [`web=${WEB_IMAGE}`] });
    expect(result.status).toBe(65);
    expect(result.stderr).toContain("container app of the template is given no image");
    expect(docker().filter((c) => c[0] === "run")).toEqual([]);
  });
});

describe("docker/ci/test-images.sh, containers: single (the minimal fixture)", () => {
  it("runs the one container as the task does, with its port published and no volume", () => {
    const template = describedTemplate("test/fixtures/configs/minimal.yaml");
    const image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:0123456789ab";
    const result = run({ template, docker: dockerAnswers(NODE.name), images: [`node=${image}`] });
    expect(result.status).toBe(0);
    const args = runOf(NODE.name);
    expect(valuesOf(args, "--user")).toEqual([NODE.user]);
    expect(args).toContain("--read-only");
    expect(valuesOf(args, "--publish")).toEqual(["127.0.0.1::8000"]);
    expect(valuesOf(args, "--mount")).toEqual([]);
    expect(docker()).toContainEqual(["stop", "--time", "45", `${PREFIX}-node`]);
  });

  it("runs a CMD-SHELL health check as ECS does, through the container's /bin/sh -c", () => {
    const described = JSON.parse(describedTemplate("test/fixtures/configs/minimal.yaml"));
    const check = "wget -q -O /dev/null http://127.0.0.1:8000/healthz || exit 1";
    described.taskDefinition.containerDefinitions[0].healthCheck.command = ["CMD-SHELL", check];
    const image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:0123456789ab";
    const result = run({
      template: JSON.stringify(described),
      docker: dockerAnswers(NODE.name),
      images: [`node=${image}`],
    });
    expect(result.stderr).not.toContain("health checks run here");
    expect(result.status).toBe(0);
    // One argument for the whole command, as Docker passes it to the shell.
    const exec = ["exec", `${PREFIX}-node`, "/bin/sh", "-c", check];
    expect(docker().filter((c) => c[0] === "exec")).toEqual([exec, exec]);
  });
});
