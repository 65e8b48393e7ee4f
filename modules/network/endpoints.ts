import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import type { StackContext } from "../../constructs/context";

export interface VpcEndpointsProps {
  readonly context: StackContext;
  readonly vpcId: string;
  readonly vpcCidr: string;
  /** Private subnets the interface endpoints get a network interface in. */
  readonly subnetIds: string[];
  /** Route tables of the private subnets, for the S3 gateway endpoint. */
  readonly routeTableIds: string[];
  readonly s3Gateway: boolean;
  /** Interface endpoint services, e.g. "ecr.api". */
  readonly interfaceServices: readonly string[];
}

/** Private paths to AWS services, so tasks need less NAT (or none). */
export class VpcEndpoints extends Construct {
  readonly securityGroupId?: string;

  constructor(scope: Construct, id: string, props: VpcEndpointsProps) {
    super(scope, id);
    const ctx = props.context;
    const service = (name: string) =>
      `${ctx.partition === "aws-cn" ? "cn.com.amazonaws" : "com.amazonaws"}.${ctx.region}.${name}`;
    if (props.s3Gateway) {
      new VpcEndpoint(this, "s3", {
        vpcId: props.vpcId,
        serviceName: service("s3"),
        vpcEndpointType: "Gateway",
        routeTableIds: props.routeTableIds,
        tags: { Name: ctx.naming.name("generic", "s3-gateway") },
      });
    }
    if (props.interfaceServices.length === 0) return;
    const group = new SecurityGroup(this, "security-group", {
      namePrefix: ctx.naming.namePrefix("securityGroupName", "vpc-endpoints"),
      description: "Interface endpoints: HTTPS from inside the VPC only",
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
      // A replacement (a changed description or VPC) must exist before whatever uses the group lets go of it.
      lifecycle: { createBeforeDestroy: true },
    });
    new VpcSecurityGroupIngressRule(this, "https-from-vpc", {
      securityGroupId: group.id,
      description: "HTTPS from the VPC",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: props.vpcCidr,
    });
    this.securityGroupId = group.id;
    for (const name of props.interfaceServices) {
      new VpcEndpoint(this, name.replace(/\./g, "-"), {
        vpcId: props.vpcId,
        serviceName: service(name),
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: props.subnetIds,
        securityGroupIds: [group.id],
        tags: { Name: ctx.naming.name("generic", name.replace(/\./g, "-")) },
      });
    }
  }
}
