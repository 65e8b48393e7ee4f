import type { z } from "zod";
import type { cost } from "../../config/schema/cost";
import type { Stack } from "../lib/stack-json";
import type { RegionalPrices } from "./prices";

/** The usage assumptions, as the schema parses them (defaults filled in). */
export type Usage = z.output<typeof cost>;

/** One line of the estimate: a quantity times a unit price. */
export interface CostItem {
  /** The AWS service, as the bill groups it. */
  readonly service: string;
  /** What is counted, and which resources. */
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPrice: number;
  /** quantity × unitPrice, USD per month. */
  readonly monthly: number;
  /** The Terraform addresses priced by this line. */
  readonly resources: string[];
}

/** What every pricing function receives. */
export interface PricingInput {
  readonly stack: Stack;
  readonly usage: Usage;
  readonly prices: RegionalPrices;
}

export function line(
  service: string,
  item: string,
  quantity: number,
  unit: string,
  unitPrice: number,
  resources: string[] = [],
): CostItem {
  return { service, item, quantity, unit, unitPrice, monthly: quantity * unitPrice, resources };
}

export const GB = 1024 ** 3;

/** Requests × bytes each, in GB. */
export function gigabytes(requests: number, bytesEach: number): number {
  return (requests * bytesEach) / GB;
}
