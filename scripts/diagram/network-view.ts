import type { Resource, Stack } from "../lib/stack-json";
import { azLetter } from "./labels";
import type { Diagram } from "./model";

export const VPC_CLUSTER = "vpc";

/** The VPC: an AZ cluster per zone with its subnets, NAT gateways and routes, and the VPC endpoints. */
export function addNetwork(d: Diagram, stack: Stack): void {
  const vpc = stack.all("aws_vpc")[0];
  if (!vpc) return;
  d.cluster(VPC_CLUSTER, `VPC ${vpc.body.cidr_block} · ${stack.region}`);
  const igw = stack.all("aws_internet_gateway")[0];
  if (igw) d.node(igw.address, "gateway", ["internet gateway"], VPC_CLUSTER);
  for (const subnet of stack.all("aws_subnet")) addSubnet(d, subnet);
  for (const nat of stack.all("aws_nat_gateway")) {
    const [subnet] = stack.referenced(nat.body.subnet_id, "aws_subnet");
    const zone = subnet?.body.availability_zone ?? "";
    d.node(nat.address, "gateway", [`NAT gateway ${azLetter(zone)}`, "Elastic IP"], `az:${zone}`);
    if (igw) d.edge(nat.address, igw.address, "route", "egress");
  }
  addRoutes(d, stack, igw);
  addEndpoints(d, stack);
}

function addSubnet(d: Diagram, subnet: Resource): void {
  const zone = String(subnet.body.availability_zone);
  const tier = String(subnet.body.tags?.Tier ?? "subnet");
  d.cluster(`az:${zone}`, `AZ ${zone}`, VPC_CLUSTER);
  d.node(
    subnet.address,
    "network",
    [`${tier} subnet ${azLetter(zone)}`, String(subnet.body.cidr_block)],
    `az:${zone}`,
  );
}

/** Each subnet's default route: to the internet gateway (public) or a NAT gateway (private), if any. */
function addRoutes(d: Diagram, stack: Stack, igw: Resource | undefined): void {
  for (const association of stack.all("aws_route_table_association")) {
    const [subnet] = stack.referenced(association.body.subnet_id, "aws_subnet");
    const [table] = stack.referenced(association.body.route_table_id, "aws_route_table");
    if (!subnet || !table) continue;
    for (const route of table.body.route ?? []) {
      const [nat] = stack.referenced(route.nat_gateway_id, "aws_nat_gateway");
      if (nat) d.edge(subnet.address, nat.address, "route", route.cidr_block);
      if (igw && stack.referenced(route.gateway_id, "aws_internet_gateway").length > 0) {
        d.edge(subnet.address, igw.address, "route", route.cidr_block);
      }
    }
  }
}

/** Interface endpoints as one node (an ENI in each private subnet); the S3 gateway on the route tables. */
function addEndpoints(d: Diagram, stack: Stack): void {
  const endpoints = stack.all("aws_vpc_endpoint");
  const service = (e: Resource) => String(e.body.service_name).split(".").slice(3).join(".");
  const interfaces = endpoints.filter((e) => e.body.vpc_endpoint_type === "Interface");
  if (interfaces.length > 0) {
    const id = d.node(
      "endpoints:interface",
      "endpoint",
      ["interface endpoints (HTTPS 443)", interfaces.map(service).join(", ")],
      VPC_CLUSTER,
    );
    for (const subnet of stack.referenced(interfaces[0].body.subnet_ids, "aws_subnet")) {
      d.edge(id, subnet.address, "placement", "ENI");
    }
  }
  for (const gateway of endpoints.filter((e) => e.body.vpc_endpoint_type === "Gateway")) {
    d.node(
      gateway.address,
      "endpoint",
      [`${service(gateway)} gateway endpoint`, "free; on the private route tables"],
      VPC_CLUSTER,
    );
    for (const table of stack.referenced(gateway.body.route_table_ids, "aws_route_table")) {
      for (const association of stack.referencing(table, "aws_route_table_association")) {
        for (const subnet of stack.referenced(association.body.subnet_id, "aws_subnet")) {
          d.edge(subnet.address, gateway.address, "route", `${service(gateway)} prefix list`);
        }
      }
    }
  }
}
