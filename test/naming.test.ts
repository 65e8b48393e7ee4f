import { fitName, NAME_LIMITS, Naming, shortHash } from "../constructs/naming";

describe("naming", () => {
  const naming = new Naming("fws", "prod");

  it("prefixes every name with project and environment", () => {
    expect(naming.name("generic", "vpc")).toBe("fws-prod-vpc");
    expect(naming.logGroupName("vpc-flow-logs")).toBe("/fws/prod/vpc-flow-logs");
  });

  it("keeps a name that fits unchanged", () => {
    expect(fitName("short-name", 32)).toBe("short-name");
  });

  it("cuts a long name to the kind's limit with a stable hash of the whole name", () => {
    const long = naming.name("targetGroupName", "checkout-service", "blue", "extra-words");
    expect(long.length).toBeLessThanOrEqual(NAME_LIMITS.targetGroupName);
    expect(long).toBe(naming.name("targetGroupName", "checkout-service", "blue", "extra-words"));
    expect(long.endsWith(shortHash("fws-prod-checkout-service-blue-extra-words"))).toBe(true);
  });

  it("gives two long names with a common head different results", () => {
    const a = naming.name("albName", "a-very-long-service-name-number-one");
    const b = naming.name("albName", "a-very-long-service-name-number-two");
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThanOrEqual(32);
    expect(b.length).toBeLessThanOrEqual(32);
  });

  it("makes bucket names lowercase, within 63 characters, unique per account and region", () => {
    const name = new Naming("fws", "staging-eu").bucketName(
      "alb-access-logs",
      "123456789012",
      "ap-southeast-2",
    );
    expect(name).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(new Naming("fws", "dev").bucketName("logs", "123456789012", "eu-west-1")).toBe(
      "fws-dev-logs-123456789012-eu-west-1",
    );
  });

  it("scopes a child naming so two instances of a module never clash", () => {
    expect(naming.child("api").name("iamRoleName", "task")).toBe("fws-prod-api-task");
    expect(naming.child("web").name("iamRoleName", "task")).toBe("fws-prod-web-task");
  });

  it("keeps the scope apart from the environment: same prefix as before, its own field and log path", () => {
    const api = new Naming("fws", "dev").child("api-x");
    expect(api.environment).toBe("dev");
    expect(api.scope).toBe("api-x");
    expect(api.prefix).toBe("fws-dev-api-x");
    expect(api.logGroupName("web")).toBe("/fws/dev/api-x/web");
    expect(api.logGroupPattern).toBe("/fws/dev/api-x/*");
    expect(new Naming("fws", "dev").logGroupPattern).toBe("/fws/dev/*");
  });

  it("refuses the scope of an environment with a hyphen, where dev-api + x would equal dev + api-x", () => {
    expect(() => new Naming("fws", "dev-api").child("x")).toThrow(
      'Naming: environment: expected no "-" in an environment with scope "x" (names of "dev-api" + "x" could equal those of another environment and scope), got "dev-api"',
    );
    expect(() => new Naming("fws", "dev").child("api").child("x")).toThrow(/already scoped to "api"/);
    expect(() => new Naming("fws", "dev").child("")).toThrow(/scope: expected lowercase letters/);
  });
});
