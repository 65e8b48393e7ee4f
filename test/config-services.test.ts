import { parseEnvironment } from "../config/load";
import { derivedPriority } from "../config/routing";

/** A valid two-service environment; each case edits it into one problem. */
const TWO = `
account: "123456789012"
region: eu-west-1
loadBalancer:
  domain: { name: app.example.com, hostedZoneId: Z0AB }
edge:
  mode: alb-waf
network:
  cidr: 10.0.0.0/16
  availabilityZones: [eu-west-1a, eu-west-1b]
services:
  site:
    images: { tag: "1.0.0" }
  api:
    images: { tag: "1.0.0" }
    routing: { paths: ["/api/*"] }
`;

function parse(text: string, name = "test") {
  return parseEnvironment(text, "config/test.yaml", name);
}
const errorsOf = (text: string, name?: string) => {
  const result = parse(text, name);
  return "errors" in result ? result.errors : [];
};

describe("a services map", () => {
  it("gives the catch-all the last priority and a routed service one derived from its own name and routing", () => {
    const result = parse(TWO);
    if ("errors" in result) throw new Error(result.errors.join("\n"));
    const priorities = Object.fromEntries(
      result.environment.services.map((s) => [s.name, s.routing.priority]),
    );
    expect(priorities).toEqual({
      site: 50000,
      api: derivedPriority({ name: "api", routing: { hosts: [], paths: ["/api/*"] } }),
    });
    expect(priorities.api).toBeLessThan(50000);
  });

  it("orders derived priorities by specificity, not by the file's order", () => {
    const text = TWO.replace(
      '    routing: { paths: ["/api/*"] }',
      '    routing: { paths: ["/api/*"] }\n  admin:\n    images: { tag: "1" }\n    routing: { hosts: [admin.example.com], paths: ["/x/*"] }\n  docs:\n    images: { tag: "1" }\n    routing: { hosts: [docs.example.com] }\n  v2:\n    images: { tag: "1" }\n    routing: { paths: ["/api/v2/*"] }',
    );
    const result = parse(text);
    if ("errors" in result) throw new Error(result.errors.join("\n"));
    const p = Object.fromEntries(result.environment.services.map((s) => [s.name, s.routing.priority]));
    // host and path, then paths only (the longer first), then hosts only, then the catch-all
    expect(p.admin).toBeLessThan(p.v2);
    expect(p.v2).toBeLessThan(p.api);
    expect(p.api).toBeLessThan(p.docs);
    expect(p.docs).toBeLessThan(p.site);
  });

  it("accepts ten names on the certificate: the domain and nine hosts", () => {
    const text = TWO.replace(
      "  site:\n",
      "  site:\n    routing: { hosts: [a.example.com, b.example.com, c.example.com, d.example.com, e.example.com] }\n",
    ).replace(
      'paths: ["/api/*"]',
      'paths: ["/api/*"], hosts: [f.example.com, g.example.com, h.example.com, i.example.com]',
    );
    expect(errorsOf(text)).toEqual([]);
  });

  it("keeps every service's derived priority when services are added, removed or reordered", () => {
    // Rules whose priorities move in one apply collide (PriorityInUse): no service's priority may depend on
    // the others.
    const prioritiesOf = (text: string) => {
      const result = parse(text);
      if ("errors" in result) throw new Error(result.errors.join("\n"));
      return new Map(result.environment.services.map((s) => [s.name, s.routing.priority]));
    };
    const before = prioritiesOf(TWO);
    const added = prioritiesOf(
      TWO.replace(
        "  site:\n",
        '  admin:\n    images: { tag: "1" }\n    routing: { paths: ["/admin/*"] }\n  docs:\n    images: { tag: "1" }\n    routing: { paths: ["/api/v/*"] }\n  site:\n',
      ),
    );
    const reordered = prioritiesOf(
      TWO.replace(/ {2}site:\n {4}images: \{ tag: "1.0.0" \}\n/, "").concat(
        '  site:\n    images: { tag: "1.0.0" }\n',
      ),
    );
    for (const [name, priority] of before) {
      expect(added.get(name)).toBe(priority);
      expect(reordered.get(name)).toBe(priority);
    }
    expect([...reordered.keys()]).toEqual(["api", "site"]);
  });

  it("accepts the one-service form as a one-entry map named after service.name", () => {
    const text = TWO.replace(
      /services:[\s\S]*$/,
      'service:\n  name: web\n  images: { tag: "1" }\ndeployment: { mode: rolling }\n',
    );
    const result = parse(text);
    if ("errors" in result) throw new Error(result.errors.join("\n"));
    expect(result.environment.services.map((s) => [s.name, s.routing.priority, s.deployment.mode])).toEqual([
      ["web", 50000, "rolling"],
    ]);
  });
});

describe("a bad services map", () => {
  it.each([
    [
      "the one-service form beside services",
      `${TWO}service: { images: { tag: "1" } }\n`,
      "config/test.yaml: service: expected either services: { <name>: {...} } or the one-service form (service:, deployment:, pipeline:), got both",
    ],
    [
      "a service name AWS names cannot hold",
      TWO.replace("  api:", "  API_2:"),
      'config/test.yaml: services.API_2: expected 2-16 lowercase letters, digits or hyphens, got key "API_2"',
    ],
    [
      "two catch-alls",
      TWO.replace('    routing: { paths: ["/api/*"] }\n', ""),
      "config/test.yaml: services.api.routing: expected hosts or paths (only one service may take every request), got neither (services.site takes every request already)",
    ],
    [
      "the same host and path twice",
      TWO.replace("  site:\n", '  site:\n    routing: { paths: ["/api/*"] }\n'),
      'config/test.yaml: services.api.routing: expected routes no other service claims, got "*/api/*" (also services.site.routing)',
    ],
    [
      "more condition values than an ALB rule holds",
      TWO.replace(
        'paths: ["/api/*"]',
        'paths: ["/a/*", "/b/*", "/c/*"], hosts: [a.example.com, b.example.com, c.example.com]',
      ),
      "config/test.yaml: services.api.routing: expected at most 5 condition values per listener rule (hosts and paths together), got 6",
    ],
    [
      "a rule that fits alone but not with the origin header",
      TWO.replace("mode: alb-waf", "mode: cloudfront-public-alb").replace(
        'paths: ["/api/*"]',
        'paths: ["/a/*", "/b/*", "/c/*", "/d/*"]',
      ),
      "config/test.yaml: services.api.routing: expected at most 5 condition values per listener rule (hosts and paths together, plus the origin header's 2), got 6",
    ],
    [
      "two services with one priority",
      TWO.replace("  site:\n", "  site:\n    routing: { priority: 7, hosts: [www.example.com] }\n").replace(
        'paths: ["/api/*"]',
        'paths: ["/api/*"], priority: 7',
      ),
      "config/test.yaml: services.api.routing.priority: expected a listener rule priority no other service has, got 7 (also services.site)",
    ],
    [
      "two services whose derived priorities meet",
      TWO.replace('paths: ["/api/*"]', 'paths: ["/aa/*"]')
        .replace(
          "  site:\n",
          '  svc2:\n    images: { tag: "1" }\n    routing: { paths: ["/bb/*"] }\n  site:\n',
        )
        .replace("  api:", "  svc6:"),
      "config/test.yaml: services.svc6.routing.priority: expected a listener rule priority no other service has, got 29330 (also services.svc2); it was derived from the service's name and routing: give routing.priority",
    ],
    [
      "more host names than an ACM certificate holds",
      TWO.replace(
        "  site:\n",
        "  site:\n    routing: { hosts: [a.example.com, b.example.com, c.example.com, d.example.com, e.example.com] }\n",
      )
        .replace(
          'paths: ["/api/*"]',
          'paths: ["/api/*"], hosts: [f.example.com, g.example.com, h.example.com, i.example.com]',
        )
        .concat('  docs:\n    images: { tag: "1" }\n    routing: { hosts: [j.example.com] }\n'),
      "config/test.yaml: services: expected at most 10 names on the load balancer's certificate (ACM's default quota: loadBalancer.domain.name and every service's routing.hosts together), got 11",
    ],
    [
      "a priority outside the ALB's range",
      TWO.replace('paths: ["/api/*"]', 'paths: ["/api/*"], priority: 50001'),
      "config/test.yaml: services.api.routing.priority: expected at most 50000, got 50001",
    ],
    [
      "hosts without a domain",
      TWO.replace(
        "  domain: { name: app.example.com, hostedZoneId: Z0AB }",
        "  allowHttpWithoutDomain: true",
      ).replace('paths: ["/api/*"]', "hosts: [api.example.com]"),
      "config/test.yaml: services.api.routing.hosts: expected no hosts without loadBalancer.domain (each host is a name on its certificate and a record in its zone), got hosts",
    ],
    [
      "a path that is not absolute",
      TWO.replace('paths: ["/api/*"]', 'paths: ["api/*"]'),
      "config/test.yaml: services.api.routing.paths.0: expected an absolute path pattern such as /api/*",
    ],
    [
      "two blue/green services with different test listeners",
      TWO.replace(
        '    images: { tag: "1.0.0" }\n  api:',
        '    images: { tag: "1.0.0" }\n    deployment: { mode: blueGreen }\n    pipeline: { enabled: true, repository: o/site }\n  api:',
      ).replace(
        '    routing: { paths: ["/api/*"] }',
        '    routing: { paths: ["/api/*"] }\n    deployment: { mode: blueGreen, blueGreen: { testListenerPort: 9443 } }\n    pipeline: { enabled: true, repository: o/api }',
      ),
      "config/test.yaml: services.api.deployment.blueGreen: expected testListenerPort 8443 and testListenerCidrs [] like services.site (blue/green services share one test listener), got 9443 and []",
    ],
  ])("with %s gets a message naming file, field, expectation and value", (_what, text, message) => {
    const errors = errorsOf(text);
    expect(errors.some((e) => e.includes(message))).toBe(true);
  });

  it("refuses service names that would hide in long target group names", () => {
    const errors = errorsOf(TWO.replace("  api:", "  api-gateway-one:"), "staging-east");
    expect(errors).toContain(
      'config/test.yaml: services.api-gateway-one: expected a name that keeps "<project>-<environment>-<service>" within 24 characters (target group names are 32, a blue/green pair adds "-green-<port>"), got "fws-staging-east-api-gateway-one" (32)',
    );
  });

  it("names service.name when the one-service form's name cannot name a service", () => {
    const text = TWO.replace(/services:[\s\S]*$/, 'service:\n  name: Web_1\n  images: { tag: "1" }\n');
    expect(errorsOf(text)).toContain(
      'config/test.yaml: service.name: expected 2-16 lowercase letters, digits or hyphens, got key "Web_1"',
    );
  });

  it("names the one-service form's own fields in its messages", () => {
    const text = TWO.replace(
      /services:[\s\S]*$/,
      "service:\n  desiredCount: 1\npipeline: { enabled: true }\n",
    );
    const errors = errorsOf(text);
    expect(errors).toContain(
      "config/test.yaml: service.images.tag: expected the tag to deploy from the stack's repositories (e.g. a commit id), got nothing",
    );
    expect(errors).toContain(
      "config/test.yaml: pipeline.repository: expected owner/name of the repository to build when the pipeline is enabled, got nothing",
    );
  });
});

describe("pipeline.connectionFrom", () => {
  const withPipelines = (site: string, api: string) =>
    TWO.replace(
      '    images: { tag: "1.0.0" }\n  api:',
      `    images: { tag: "1.0.0" }\n    pipeline: { ${site} }\n  api:`,
    ).replace(
      '    routing: { paths: ["/api/*"] }',
      `    routing: { paths: ["/api/*"] }\n    pipeline: { ${api} }`,
    );
  it.each([
    [
      "a service that does not exist",
      withPipelines(
        "enabled: true, repository: o/site",
        "enabled: true, repository: o/api, connectionFrom: web",
      ),
      'config/test.yaml: services.api.pipeline.connectionFrom: expected the name of another service (site), got "web"',
    ],
    [
      "a service whose pipeline creates no connection",
      withPipelines(
        "enabled: true, repository: o/site, connectionArn: arn:aws:codeconnections:eu-west-1:123456789012:connection/abc",
        "enabled: true, repository: o/api, connectionFrom: site",
      ),
      'config/test.yaml: services.api.pipeline.connectionFrom: expected a service whose pipeline is enabled and creates its connection (no connectionArn, no connectionFrom), got "site"',
    ],
    [
      "both a connection ARN and a lender",
      withPipelines(
        "enabled: true, repository: o/site",
        "enabled: true, repository: o/api, connectionFrom: site, connectionArn: arn:aws:codeconnections:eu-west-1:123456789012:connection/abc",
      ),
      "config/test.yaml: services.api.pipeline.connectionFrom: expected connectionArn or connectionFrom, not both, got both",
    ],
  ])("naming %s is refused with a clear message", (_what, text, message) => {
    expect(errorsOf(text)).toContain(message);
  });

  it("naming a service that creates its connection is accepted", () => {
    const text = withPipelines(
      "enabled: true, repository: o/site",
      "enabled: true, repository: o/api, connectionFrom: site",
    );
    expect(errorsOf(text)).toEqual([]);
  });
});
