import { simulate, simulateKeyUse, substitute, unknownActions, wildcardResources } from "./support/iam";

const account = "111111111111";
const role = `arn:aws:iam::${account}:role/fws-dev-web-execution`;
const repo = (name: string) => `arn:aws:ecr:eu-west-1:${account}:repository/${name}`;
const allow = (Action: string[], Resource: string[], Sid?: string) => ({
  Sid,
  Effect: "Allow",
  Action,
  Resource,
});
/** `${expr}`: a Terraform interpolation, or (escaped as `$${expr}`) an IAM policy variable. */
const tf = (expr: string) => `\${${expr}}`;
const policy = (...Statement: object[]) => ({ Version: "2012-10-17", Statement });

describe("the IAM catalogue check", () => {
  it("reports an action the catalogue does not have, and accepts a known one in any case", async () => {
    const doc = policy(allow(["s3:GetObject", "S3:getobject", "s3:GetObjectz", "s3x:GetObject"], ["*"]));
    expect(await unknownActions(JSON.stringify(doc))).toEqual(["s3:GetObjectz", "s3x:GetObject"]);
  });

  it("reports wildcard actions and NotAction in an Allow", async () => {
    const doc = policy(allow(["s3:Get*", "ecr:*"], ["*"]), {
      Effect: "Allow",
      NotAction: "iam:*",
      Resource: "*",
    });
    expect(await unknownActions(doc)).toEqual(["s3:Get*", "ecr:*", "NotAction iam:*"]);
  });

  it("accepts a wildcard in a Deny but reports a Deny that matches no action", async () => {
    const deny = (Action: string[]) => ({ Effect: "Deny", Principal: "*", Action, Resource: "*" });
    expect(await unknownActions(policy(deny(["s3:*", "s3:Put*"])))).toEqual([]);
    expect(await unknownActions(policy(deny(["s3:Gte*", "s3:PutObjectz"])))).toEqual([
      "s3:Gte*",
      "s3:PutObjectz",
    ]);
  });

  it("lists the Allow statements on every resource", () => {
    const doc = policy(
      allow(["ecr:GetAuthorizationToken"], ["*"], "AuthToken"),
      allow(["ecr:BatchGetImage"], [repo("web")], "Pull"),
      { Effect: "Deny", Action: "s3:*", Resource: "*" },
    );
    expect(wildcardResources(doc)).toEqual([{ sid: "AuthToken", actions: ["ecr:GetAuthorizationToken"] }]);
  });
});

describe("substitution of Terraform interpolations", () => {
  const doc = JSON.stringify(
    policy(
      allow(["s3:GetObject"], [`${tf("aws_s3_bucket.assets_1A2B.arn")}/$${tf("aws:PrincipalTag/team")}/*`]),
    ),
  );

  it("replaces interpolations from a map or a function and unescapes IAM policy variables", () => {
    const expected = policy(
      allow(["s3:GetObject"], [`arn:aws:s3:::assets/${tf("aws:PrincipalTag/team")}/*`]),
    );
    expect(substitute(doc, { "aws_s3_bucket.assets_1A2B.arn": "arn:aws:s3:::assets" })).toEqual(expected);
    expect(substitute(doc, { [tf("aws_s3_bucket.assets_1A2B.arn")]: "arn:aws:s3:::assets" })).toEqual(
      expected,
    );
    expect(
      substitute(doc, (e) => (e.startsWith("aws_s3_bucket.assets") ? "arn:aws:s3:::assets" : undefined)),
    ).toEqual(expected);
  });

  it("refuses to leave an interpolation unresolved", () => {
    expect(() => substitute(doc, {})).toThrow(`no substitution for ${tf("aws_s3_bucket.assets_1A2B.arn")}`);
  });
});

describe("simulated requests", () => {
  const pull = policy(
    allow(
      ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
      [tf("aws_ecr_repository.web_9F8E.arn")],
      "Pull",
    ),
    allow(["ecr:GetAuthorizationToken"], ["*"], "AuthToken"),
  );
  const substitutions = { "aws_ecr_repository.web_9F8E.arn": repo("web") };
  const pullFrom = (resource: string) =>
    simulate({
      identityPolicies: [pull],
      principal: role,
      action: "ecr:BatchGetImage",
      resource,
      substitutions,
    });

  it("allows a role to pull from the repository its policy names, and not from another", async () => {
    expect(await pullFrom(repo("web"))).toBe("Allowed");
    expect(await pullFrom(repo("other"))).toBe("ImplicitlyDenied");
  });

  it("simulates an action that takes no resource on *", async () => {
    const request = { identityPolicies: [pull], principal: role, resource: "*", substitutions };
    expect(await simulate({ ...request, action: "ecr:GetAuthorizationToken" })).toBe("Allowed");
  });

  it("refuses requests it cannot really evaluate", async () => {
    const request = { identityPolicies: [pull], principal: role, action: "ecr:BatchGetImage", substitutions };
    await expect(simulate({ ...request, resource: "arn:aws:s3:::assets" })).rejects.toThrow(
      "no.resource.types",
    );
    await expect(simulate({ ...request, resource: repo("*") })).rejects.toThrow("not a pattern");
    await expect(
      simulate({ ...request, action: "ecr:BatchGetImagez", resource: repo("web") }),
    ).rejects.toThrow("invalid.action");
    await expect(
      simulate({ ...request, resource: repo("web"), context: { "kms:EncryptionContext:team": "web" } }),
    ).rejects.toThrow("context keys kms:EncryptionContext:team do not apply");
  });

  describe("a key policy scoped by encryption context", () => {
    const key = `arn:aws:kms:eu-west-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const keyPolicy = policy({
      Effect: "Allow",
      Principal: { Service: "logs.eu-west-1.amazonaws.com" },
      Action: "kms:GenerateDataKey",
      Resource: "*",
      Condition: { StringEquals: { "kms:EncryptionContext:team": "web" } },
    });
    const generate = (team: string) =>
      simulate({
        resourcePolicy: keyPolicy,
        principal: "logs.eu-west-1.amazonaws.com",
        action: "kms:GenerateDataKey",
        resource: key,
        context: { "kms:EncryptionContext:team": team },
      });

    it("evaluates kms:EncryptionContext:<key>, which iam-simulate alone would drop", async () => {
      expect(await generate("web")).toBe("Allowed");
      expect(await generate("billing")).toBe("ImplicitlyDenied");
    });
  });

  describe("a bucket policy that denies plain HTTP", () => {
    const bucket = "arn:aws:s3:::fws-dev-assets";
    const bucketPolicy = policy({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [bucket, `${bucket}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    const read = (context?: Record<string, string>) =>
      simulate({
        identityPolicies: [policy(allow(["s3:GetObject"], [`${bucket}/*`]))],
        resourcePolicy: bucketPolicy,
        principal: role,
        action: "s3:GetObject",
        resource: `${bucket}/index.html`,
        context,
      });

    it("denies a request over plain HTTP", async () => {
      expect(await read({ "aws:SecureTransport": "false" })).toBe("ExplicitlyDenied");
    });

    it("lets the role read over TLS, which the simulation assumes by default", async () => {
      expect(await read()).toBe("Allowed");
    });
  });

  describe("a topic policy for CloudWatch alarms", () => {
    const topic = `arn:aws:sns:eu-west-1:${account}:fws-dev-alarms`;
    const topicPolicy = policy({
      Sid: "CloudWatchAlarmsPublish",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: "sns:Publish",
      Resource: topic,
      Condition: { StringEquals: { "aws:SourceAccount": account } },
    });
    const publish = (principal: string, sourceAccount?: string) =>
      simulate({
        resourcePolicy: topicPolicy,
        principal,
        action: "sns:Publish",
        resource: topic,
        context: sourceAccount ? { "aws:SourceAccount": sourceAccount } : {},
      });

    it("lets CloudWatch publish on behalf of this account", async () => {
      expect(await publish("cloudwatch.amazonaws.com", account)).toBe("Allowed");
    });

    it("denies CloudWatch on behalf of another account, or naming none", async () => {
      expect(await publish("cloudwatch.amazonaws.com", "222222222222")).toBe("ImplicitlyDenied");
      expect(await publish("cloudwatch.amazonaws.com")).toBe("ImplicitlyDenied");
    });

    it("denies another service and a role of another account", async () => {
      expect(await publish("events.amazonaws.com", account)).toBe("ImplicitlyDenied");
      expect(await publish("arn:aws:iam::222222222222:role/intruder", account)).toBe("ImplicitlyDenied");
    });
  });
});

describe("a KMS key: identity and key policy together", () => {
  const key = `arn:aws:kms:eu-west-1:${account}:key/0000-example`;
  const encrypt = allow(["kms:GenerateDataKey"], [key]);
  const keyPolicy = (...principals: object[]) =>
    policy(
      ...principals.map((Principal) => ({ Effect: "Allow", Principal, Action: "kms:*", Resource: "*" })),
    );
  const use = (identity: object[], keyDoc: object) =>
    simulateKeyUse({
      identityPolicies: identity.length ? [policy(...identity)] : [],
      keyPolicy: keyDoc,
      principal: role,
      action: "kms:GenerateDataKey",
      resource: key,
    });

  it("denies a role its identity policy allows when the key policy admits only a service", async () => {
    expect(await use([encrypt], keyPolicy({ Service: "cloudwatch.amazonaws.com" }))).toBe("ImplicitlyDenied");
  });

  it("allows it when the key policy delegates to the account, and not without the identity policy", async () => {
    const delegating = keyPolicy({ AWS: `arn:aws:iam::${account}:root` });
    expect(await use([encrypt], delegating)).toBe("Allowed");
    expect(await use([], delegating)).toBe("ImplicitlyDenied");
  });

  it("allows a role the key policy names, and lets an explicit Deny in the identity policy win", async () => {
    expect(await use([], keyPolicy({ AWS: role }))).toBe("Allowed");
    const deny = { Effect: "Deny", Action: ["kms:GenerateDataKey"], Resource: [key] };
    expect(await use([deny], keyPolicy({ AWS: role }))).toBe("ExplicitlyDenied");
  });
});
