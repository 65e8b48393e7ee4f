import { type CostItem, gigabytes, line, type PricingInput } from "./item";
import { HOURS_PER_MONTH } from "./prices";

/** LCU capacity per hour: 25 new connections a second, or 1 GB processed (IP targets). */
const NEW_CONNECTIONS_PER_LCU = 25;
const GB_PER_LCU_HOUR = 1;

/**
 * ALB hours and LCU-hours. Traffic is taken as spread evenly over the month; an LCU-hour is billed on the
 * larger of new connections and processed bytes (active connections and rule evaluations stay far below
 * one LCU for a listener with a rule or two).
 */
export function loadBalancerItems({ stack, usage, prices }: PricingInput): CostItem[] {
  return stack.all("aws_lb").flatMap((lb) => {
    const perHour = usage.requestsPerMonth / HOURS_PER_MONTH;
    const connections = perHour / 3600 / usage.requestsPerConnection / NEW_CONNECTIONS_PER_LCU;
    const bytes = gigabytes(perHour, usage.averageResponseKiB * 1024) / GB_PER_LCU_HOUR;
    const lcu = Math.max(connections, bytes);
    return [
      line("Elastic Load Balancing", `ALB hours (${lb.body.name})`, HOURS_PER_MONTH, "h", prices.albHour, [
        lb.address,
      ]),
      line(
        "Elastic Load Balancing",
        `LCU-hours (${lcu.toFixed(3)} LCU on average: ${bytes >= connections ? "processed bytes" : "new connections"})`,
        lcu * HOURS_PER_MONTH,
        "LCU-h",
        prices.albLcuHour,
        [lb.address],
      ),
    ];
  });
}
