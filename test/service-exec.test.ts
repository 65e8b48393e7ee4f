import { parseEnvironment } from "../config/load";
import { EXEC_AGENT_PATHS as AGENT } from "../modules/service/exec-mounts";
import { configFromText, loadConfig, resourceNamed, resourcesOf, synthConfig } from "./support/synth";

/** ECS Exec in containers with a read-only root: the agent's paths, its endpoint, its config check. */

const NO_NAT = `
account: "123456789012"
region: eu-west-1
loadBalancer: { allowHttpWithoutDomain: true }
edge: { mode: alb-waf }
service: { images: { tag: "1.0.0" }, execEnabled: true }
network:
  cidr: 10.0.0.0/16
  availabilityZones: [eu-west-1a, eu-west-1b]
  natGateways: none
  endpoints: { interface: [ecr.api, ecr.dkr, logs, INTERFACES] }
`;

const EXEC_AGENT_PATHS = Object.values(AGENT);

/** The site's task (dev's api runs without exec). */
const containersOf = (json: ReturnType<typeof synthConfig>) => {
  const [[, task]] = resourcesOf(json, "aws_ecs_task_definition").filter(([n]) =>
    n.startsWith("service-site_"),
  );
  return { task, containers: JSON.parse(task.container_definitions) as Record<string, any>[] };
};

describe("ECS Exec with read-only root filesystems", () => {
  it("mounts a writable task volume of its own at every agent path in every container when exec is on", () => {
    const config = loadConfig("config/dev.yaml");
    expect(config.services[0].execEnabled).toBe(true);
    const { task, containers } = containersOf(synthConfig(config));
    const volumes = (task.volume as { name: string }[]).map((v) => v.name);
    const seen = new Set<string>();
    for (const c of containers) {
      expect(c.readonlyRootFilesystem).toBe(true);
      for (const path of EXEC_AGENT_PATHS) {
        const mount = (c.mountPoints as Record<string, any>[]).find((m) => m.containerPath === path);
        expect(mount).toMatchObject({ readOnly: false });
        expect(volumes).toContain(mount?.sourceVolume);
        // Never shared between containers: each agent keeps its own state.
        expect(seen.has(mount?.sourceVolume)).toBe(false);
        seen.add(mount?.sourceVolume);
      }
    }
    expect(seen.size).toBe(containers.length * EXEC_AGENT_PATHS.length);
  });

  it("adds no agent volume when exec is off", () => {
    const config = loadConfig("config/prod.yaml");
    expect(config.services[0].execEnabled).toBe(false);
    const { task, containers } = containersOf(synthConfig(config));
    const paths = containers.flatMap((c) =>
      (c.mountPoints as { containerPath: string }[]).map((m) => m.containerPath),
    );
    for (const path of EXEC_AGENT_PATHS) expect(paths).not.toContain(path);
    expect(
      (task.volume as { name: string }[]).map((v) => v.name).filter((n) => n.startsWith("exec-")),
    ).toEqual([]);
  });

  it("offers an ssmmessages interface endpoint, the channel ECS Exec sessions use", () => {
    const json = synthConfig(configFromText(NO_NAT.replace("INTERFACES", "ssmmessages")));
    const endpoint = resourceNamed(json, "aws_vpc_endpoint", "ssmmessages");
    expect(endpoint).toMatchObject({
      service_name: "com.amazonaws.eu-west-1.ssmmessages",
      vpc_endpoint_type: "Interface",
      private_dns_enabled: true,
    });
  });

  it("rejects exec without NAT and without the ssmmessages endpoint, naming the missing endpoint", () => {
    const result = parseEnvironment(NO_NAT.replace("INTERFACES", "sts"), "config/test.yaml", "test");
    expect("errors" in result ? result.errors : []).toEqual([
      'config/test.yaml: service.execEnabled: expected network.endpoints.interface to include "ssmmessages" (ECS Exec\'s channel) with natGateways "none", got it without',
    ]);
  });
});
