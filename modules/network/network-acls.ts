import {
  NetworkAcl,
  type NetworkAclEgress,
  type NetworkAclIngress,
} from "@cdktf/provider-aws/lib/network-acl";
import { Construct } from "constructs";

/** Ports AWS uses for the client side of a connection (ALB, NAT gateway, Linux): return traffic. */
export const EPHEMERAL_PORTS = { from: 1024, to: 65535 } as const;
const ANYWHERE = "0.0.0.0/0";

export interface NaclRule {
  readonly ruleNo: number;
  readonly cidrBlock: string;
  readonly fromPort: number;
  readonly toPort: number;
  /** Why the rule exists; shown in tests and the README, not sent to AWS. */
  readonly reason: string;
}

export interface TierRules {
  readonly ingress: NaclRule[];
  readonly egress: NaclRule[];
}

export interface NetworkAclRulesInput {
  readonly vpcCidr: string;
  /** TCP ports private subnets may reach outside the VPC. */
  readonly egressPorts: number[];
  /** NAT gateways exist, so private traffic crosses the public tier. */
  readonly nat: boolean;
  /** Interface endpoints exist in the private subnets. */
  readonly interfaceEndpoints: boolean;
  /** Where the load balancer listens: public subnets (internet-facing) or private (internal). */
  readonly loadBalancerTier: "public" | "private";
}

/**
 * The explicit, least-open TCP rules of both tiers. NACLs are stateless, so every allowed connection
 * needs its return path on ephemeral ports. Container ports must be ephemeral-range ports (≥ 1024),
 * as a non-root server's are. Everything not listed is denied by the NACLs' final rule.
 */
export function networkAclRules(input: NetworkAclRulesInput): { public: TierRules; private: TierRules } {
  const eph = EPHEMERAL_PORTS;
  const ports = (first: number, cidrBlock: string, reason: string) =>
    input.egressPorts.map((port, i) => ({
      ruleNo: first + i * 10,
      cidrBlock,
      fromPort: port,
      toPort: port,
      reason,
    }));
  const publicTier: TierRules = {
    ingress: [
      ...(input.loadBalancerTier === "public"
        ? [
            {
              ruleNo: 100,
              cidrBlock: ANYWHERE,
              fromPort: 443,
              toPort: 443,
              reason: "HTTPS clients to the load balancer",
            },
            {
              ruleNo: 110,
              cidrBlock: ANYWHERE,
              fromPort: 80,
              toPort: 80,
              reason: "HTTP clients, redirected to HTTPS",
            },
          ]
        : []),
      {
        ruleNo: 120,
        cidrBlock: ANYWHERE,
        fromPort: eph.from,
        toPort: eph.to,
        reason: "return traffic: tasks to the ALB, the internet to NAT",
      },
      ...(input.nat ? ports(200, input.vpcCidr, "private subnets' egress to the NAT gateway") : []),
    ],
    egress: [
      {
        ruleNo: 100,
        cidrBlock: ANYWHERE,
        fromPort: eph.from,
        toPort: eph.to,
        reason: "responses to clients; the ALB to task ports",
      },
      ...(input.nat ? ports(200, ANYWHERE, "the NAT gateway forwarding private egress") : []),
    ],
  };
  const privateTier: TierRules = {
    ingress: [
      {
        ruleNo: 100,
        // Return traffic through NAT keeps the internet peer's address; without NAT only the VPC talks to tasks.
        cidrBlock: input.nat ? ANYWHERE : input.vpcCidr,
        fromPort: eph.from,
        toPort: eph.to,
        reason: "the ALB to task ports; return traffic of the tasks' own connections",
      },
      ...(input.interfaceEndpoints || input.loadBalancerTier === "private"
        ? [
            {
              ruleNo: 200,
              cidrBlock: input.vpcCidr,
              fromPort: 443,
              toPort: 443,
              reason: "HTTPS inside the VPC: interface endpoints, the internal ALB (CloudFront VPC origin)",
            },
          ]
        : []),
    ],
    egress: [
      ...ports(100, ANYWHERE, "tasks' egress (NAT, S3 gateway endpoint, interface endpoints)"),
      {
        ruleNo: 300,
        cidrBlock: input.vpcCidr,
        fromPort: eph.from,
        toPort: eph.to,
        reason: "responses to the ALB and to endpoints' clients",
      },
    ],
  };
  return { public: publicTier, private: privateTier };
}

export interface TierNetworkAclProps {
  readonly vpcId: string;
  readonly subnetIds: string[];
  readonly rules: TierRules;
  readonly name: string;
}

/** One tier's network ACL with its explicit rules, associated with all of the tier's subnets. */
export class TierNetworkAcl extends Construct {
  readonly acl: NetworkAcl;

  constructor(scope: Construct, id: string, props: TierNetworkAclProps) {
    super(scope, id);
    const toBlock = (r: NaclRule): NetworkAclIngress & NetworkAclEgress => ({
      ruleNo: r.ruleNo,
      action: "allow",
      protocol: "tcp",
      cidrBlock: r.cidrBlock,
      fromPort: r.fromPort,
      toPort: r.toPort,
    });
    this.acl = new NetworkAcl(this, "acl", {
      vpcId: props.vpcId,
      subnetIds: props.subnetIds,
      ingress: props.rules.ingress.map(toBlock),
      egress: props.rules.egress.map(toBlock),
      tags: { Name: props.name },
    });
  }
}
