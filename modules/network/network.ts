import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Construct } from "constructs";
import type { StackContext } from "../../constructs/context";
import { VpcEndpoints } from "./endpoints";
import { FlowLogs } from "./flow-logs";
import { networkAclRules, TierNetworkAcl } from "./network-acls";

export interface NetworkProps {
  readonly context: StackContext;
  /** VPC range. */
  readonly cidr: string;
  /** AZ names, one public and one private subnet in each. */
  readonly availabilityZones: string[];
  /** Subnet ranges per tier, one per AZ in the same order. */
  readonly subnets: { readonly public: string[]; readonly private: string[] };
  /** NAT gateways: none, one shared by every AZ, or one per AZ. */
  readonly natGateways: "none" | "single" | "perAz";
  /** TCP ports the private tier may reach outside the VPC. */
  readonly egressPorts: number[];
  readonly flowLogs: {
    readonly destination: "cloudwatch" | "s3";
    readonly retentionDays: number;
    readonly aggregationIntervalSeconds: number;
  };
  readonly endpoints: { readonly s3Gateway: boolean; readonly interface: readonly string[] };
  /** Customer-managed key for the flow-log group. */
  readonly logsKmsKeyArn: string;
  /** Where the load balancer will listen, which decides the NACLs' HTTP(S) rules. @default "public" */
  readonly loadBalancerTier?: "public" | "private";
}

/**
 * The VPC: a public and a private subnet in every AZ, an internet gateway, NAT, route tables, network
 * ACLs per tier, a default security group with no rules, flow logs, and optional endpoints.
 */
export class Network extends Construct {
  readonly vpcId: string;
  readonly cidr: string;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  readonly privateRouteTableIds: string[];
  /** NAT gateway ids, for alarms on port-allocation errors; empty without NAT. */
  readonly natGatewayIds: string[];
  readonly internetGatewayId: string;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const ctx = props.context;
    const name = (...parts: string[]) => ctx.naming.name("generic", ...parts);
    const vpc = new Vpc(this, "vpc", {
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: name("vpc") },
    });
    this.vpcId = vpc.id;
    this.cidr = props.cidr;

    // No rules at all: nothing may use the default group by accident.
    new DefaultSecurityGroup(this, "default-security-group", {
      vpcId: vpc.id,
      tags: { Name: name("default-denied") },
    });

    const igw = new InternetGateway(this, "internet-gateway", { vpcId: vpc.id, tags: { Name: name("igw") } });
    this.internetGatewayId = igw.id;

    const zones = props.availabilityZones;
    const subnet = (tier: "public" | "private", zone: string, i: number) =>
      new Subnet(this, `${tier}-${zone}`, {
        vpcId: vpc.id,
        availabilityZone: zone,
        cidrBlock: props.subnets[tier][i],
        // Nothing in a public subnet needs an address of its own: the ALB and NAT get theirs from AWS.
        mapPublicIpOnLaunch: false,
        tags: { Name: name(tier, zone), Tier: tier },
      });
    const publicSubnets = zones.map((zone, i) => subnet("public", zone, i));
    const privateSubnets = zones.map((zone, i) => subnet("private", zone, i));
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);

    const publicRoutes = new RouteTable(this, "public-routes", {
      vpcId: vpc.id,
      route: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
      tags: { Name: name("public") },
    });
    publicSubnets.forEach((s, i) => {
      new RouteTableAssociation(this, `public-routes-${zones[i]}`, {
        subnetId: s.id,
        routeTableId: publicRoutes.id,
      });
    });

    const natZones = props.natGateways === "perAz" ? zones : props.natGateways === "single" ? [zones[0]] : [];
    const nats = natZones.map((zone) => {
      const eip = new Eip(this, `nat-ip-${zone}`, { domain: "vpc", tags: { Name: name("nat", zone) } });
      return new NatGateway(this, `nat-${zone}`, {
        allocationId: eip.allocationId,
        subnetId: publicSubnets[zones.indexOf(zone)].id,
        tags: { Name: name("nat", zone) },
        dependsOn: [igw],
      });
    });
    this.natGatewayIds = nats.map((n) => n.id);

    // One route table per AZ whatever the NAT mode, so switching modes changes routes, not associations.
    const privateRoutes = zones.map((zone, i) => {
      const nat = nats.length === 0 ? undefined : nats[Math.min(i, nats.length - 1)];
      const table = new RouteTable(this, `private-routes-${zone}`, {
        vpcId: vpc.id,
        route: nat ? [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }] : [],
        tags: { Name: name("private", zone) },
      });
      new RouteTableAssociation(this, `private-routes-${zone}-association`, {
        subnetId: privateSubnets[i].id,
        routeTableId: table.id,
      });
      return table;
    });
    this.privateRouteTableIds = privateRoutes.map((t) => t.id);

    const rules = networkAclRules({
      vpcCidr: props.cidr,
      egressPorts: props.egressPorts,
      nat: nats.length > 0,
      interfaceEndpoints: props.endpoints.interface.length > 0,
      s3Gateway: props.endpoints.s3Gateway,
      loadBalancerTier: props.loadBalancerTier ?? "public",
    });
    new TierNetworkAcl(this, "public-acl", {
      vpcId: vpc.id,
      subnetIds: this.publicSubnetIds,
      rules: rules.public,
      name: name("public"),
    });
    new TierNetworkAcl(this, "private-acl", {
      vpcId: vpc.id,
      subnetIds: this.privateSubnetIds,
      rules: rules.private,
      name: name("private"),
    });

    new FlowLogs(this, "flow-logs", {
      context: ctx,
      vpcId: vpc.id,
      ...props.flowLogs,
      kmsKeyArn: props.logsKmsKeyArn,
    });

    new VpcEndpoints(this, "endpoints", {
      context: ctx,
      vpcId: vpc.id,
      vpcCidr: props.cidr,
      subnetIds: this.privateSubnetIds,
      routeTableIds: this.privateRouteTableIds,
      s3Gateway: props.endpoints.s3Gateway,
      interfaceServices: props.endpoints.interface,
    });
  }
}
