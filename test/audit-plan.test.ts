import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { planStackOffline } from "../scripts/lib/offline-plan";
import { type AuditInput, auditStack } from "./fixtures/audit/audit-stack";

/** The audit module with every part on, and with every part left to the organisation but the rules. */
const VARIANTS: [string, AuditInput, number][] = [
  [
    "audit-all",
    { cloudtrail: { objectLock: { enabled: true }, dataEventsForStackBuckets: true } },
    // key + alias, 3 buckets × 7 (+2 access logging, +1 lock), log group, role + policy, trail,
    // 14 filters + 14 alarms, role + recorder + channel + status, 11 rules
    2 + 3 * 7 + 2 + 1 + 1 + 2 + 1 + 28 + 4 + 11,
  ],
  [
    "audit-org",
    {
      cloudtrail: { create: false },
      config: { createRecorder: false, createDeliveryChannel: false, createServiceLinkedRole: false },
    },
    11,
  ],
];

describe("offline terraform plan of the audit module", () => {
  const root = mkdtempSync(join(tmpdir(), "fws-audit-plan-"));
  const outdir = join(root, "cdktf.out");
  const workRoot = join(root, "work");

  beforeAll(() => {
    const app = new App({ outdir });
    for (const [name, input] of VARIANTS) auditStack(app, name, input);
    app.synth();
  });

  it.each(VARIANTS)("%s: init, validate and plan succeed with no error or warning", (name, _, resources) => {
    const result = planStackOffline(join(outdir, "stacks", name), { workRoot });
    expect(result.problems).toEqual([]);
    expect(result.changes).toEqual({ add: resources, change: 0, remove: 0 });
  });
});
