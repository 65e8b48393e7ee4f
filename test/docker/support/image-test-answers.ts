/**
 * Stand-in answers for docker/ci/test-images.sh: the template task definition from a synthesized stack, a
 * docker that runs every container and answers as a healthy task would, and curl answering through the
 * front container's published port.
 */
import { loadConfig, resourcesOf, synthConfig } from "../../support/synth";
import type { Answer } from "../pipeline-stand-ins";

export const PREFIX = "fws-image-test";
export const PUBLISHED = "127.0.0.1:49153";
export const REQUEST_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

/** The task definition a config file synthesizes, as describe-task-definition answers it. */
export function describedTemplate(configFile: string): string {
  const config = loadConfig(configFile);
  const json = synthConfig(config);
  // The first service's (prod's site: web + app; the minimal fixture's only one: node).
  const [[, task]] = resourcesOf(json, "aws_ecs_task_definition").filter(([n]) =>
    n.startsWith(`service-${config.services[0].name}_`),
  );
  return JSON.stringify({
    taskDefinition: {
      family: task.family,
      containerDefinitions: JSON.parse(task.container_definitions),
      volumes: task.volume,
    },
    tags: [],
  });
}

/** How docker answers a passing test: logs are JSON and the front's holds the request. */
export function dockerAnswers(front: string, logs: Record<string, string> = {}): Answer[] {
  return [
    { when: ["inspect", "{{.State.ExitCode}}"], stdout: "0\n" },
    { when: ["inspect", "{{.State.Running}}"], stdout: "true\n" },
    { when: ["port"], stdout: `${PUBLISHED}\n` },
    ...Object.entries(logs).map(([name, stdout]) => ({ when: ["logs", `${PREFIX}-${name}`], stdout })),
    {
      when: ["logs", `${PREFIX}-${front}`],
      stdout: `${JSON.stringify({ request_id: REQUEST_ID, status: 200 })}\n`,
    },
    { when: ["logs"], stdout: `${JSON.stringify({ message: "started" })}\n` },
    { when: [] },
  ];
}

/** curl through the published port: a JSON answer with a request id. */
export const CURL_OK: Answer[] = [
  {
    when: [`http://${PUBLISHED}/`],
    stdout: `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: ${REQUEST_ID}\r\n\r\n{"message":"hello"}\n`,
  },
];
