import { type CostItem, gigabytes, line, type PricingInput } from "./item";
import { HOURS_PER_MONTH } from "./prices";

/** NAT gateways, interface endpoints, public IPv4 addresses, and data out when no CloudFront carries it. */
export function networkItems({ stack, usage, prices }: PricingInput): CostItem[] {
  const items: CostItem[] = [];
  const nats = stack.all("aws_nat_gateway");
  if (nats.length > 0) {
    const addresses = nats.map((n) => n.address);
    items.push(
      line(
        "VPC",
        `NAT gateway hours (${nats.length} gateway${nats.length === 1 ? "" : "s"})`,
        nats.length * HOURS_PER_MONTH,
        "h",
        prices.natGatewayHour,
        addresses,
      ),
    );
    items.push(
      line(
        "VPC",
        "NAT gateway data processed (cost.natGbPerMonth)",
        usage.natGbPerMonth,
        "GB",
        prices.natGatewayGb,
        addresses,
      ),
    );
  }
  const interfaces = stack.all("aws_vpc_endpoint").filter((e) => e.body.vpc_endpoint_type === "Interface");
  if (interfaces.length > 0) {
    const enis = interfaces.reduce((n, e) => n + (e.body.subnet_ids?.length ?? 0), 0);
    const addresses = interfaces.map((e) => e.address);
    items.push(
      line(
        "VPC",
        `interface endpoint hours (${interfaces.length} endpoints × AZs = ${enis})`,
        enis * HOURS_PER_MONTH,
        "h",
        prices.interfaceEndpointHour,
        addresses,
      ),
    );
    items.push(
      line(
        "VPC",
        "interface endpoint data processed (cost.endpointGbPerMonth)",
        usage.endpointGbPerMonth,
        "GB",
        prices.interfaceEndpointGb,
        addresses,
      ),
    );
  }
  const publicAlbs = stack.all("aws_lb").filter((lb) => !lb.body.internal);
  const albIps = publicAlbs.reduce((n, lb) => n + (lb.body.subnets?.length ?? 0), 0);
  const eips = stack.all("aws_eip");
  if (eips.length + albIps > 0) {
    items.push(
      line(
        "VPC",
        `public IPv4 addresses (${eips.length} Elastic IPs, ${albIps} ALB nodes, one per AZ)`,
        (eips.length + albIps) * HOURS_PER_MONTH,
        "IP-h",
        prices.publicIpv4Hour,
        [...eips, ...publicAlbs].map((r) => r.address),
      ),
    );
  }
  if (stack.all("aws_cloudfront_distribution").length === 0) {
    const gb = gigabytes(usage.requestsPerMonth, usage.averageResponseKiB * 1024);
    items.push(
      line(
        "Data transfer",
        "responses to the internet from the ALB",
        gb,
        "GB",
        prices.dataOutToInternetGb,
        publicAlbs.map((r) => r.address),
      ),
    );
  }
  return items;
}
