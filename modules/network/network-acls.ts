import {
  NetworkAcl,
  type NetworkAclEgress,
  type NetworkAclIngress,
} from "@cdktf/provider-aws/lib/network-acl";
import { Construct } from "constructs";

/** Ports AWS uses for the client side of a connection (ALB, NAT gateway): return traffic. */
export const EPHEMERAL_PORTS = { from: 1024, to: 65535 } as const;
/**
 * The tasks' own client ports: Linux's default `ip_local_port_range`, which Fargate keeps. Replies from
 * outside the VPC come back to these only, so the private tier need not admit 1024-65535 (and with it
 * 3389, which Security Hub EC2.21 and checkov CKV_AWS_231 fail) from anywhere.
 */
export const TASK_CLIENT_PORTS = { from: 32768, to: 60999 } as const;
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
  /** The S3 gateway endpoint exists: S3 (ECR's image layers) answers from its public ranges. */
  readonly s3Gateway: boolean;
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
        cidrBlock: input.vpcCidr,
        fromPort: eph.from,
        toPort: eph.to,
        reason: "the ALB to task ports; replies from the VPC (endpoints, the internal ALB)",
      },
      // Replies through NAT keep the internet peer's address; through the S3 gateway endpoint they come
      // from S3's public ranges (a NACL cannot name the S3 prefix list): both need "anywhere".
      ...(input.nat || input.s3Gateway
        ? [
            {
              ruleNo: 110,
              cidrBlock: ANYWHERE,
              fromPort: TASK_CLIENT_PORTS.from,
              toPort: TASK_CLIENT_PORTS.to,
              reason: "replies to the tasks' own connections (NAT, S3 gateway endpoint)",
            },
          ]
        : []),
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
