/** IPv4 CIDR arithmetic: the one place subnet ranges are derived from the VPC range. */

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  readonly prefix: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; undefined when the text is not a CIDR or has host bits set. */
export function parseCidr(text: string): Cidr | undefined {
  const match = CIDR_PATTERN.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  if (base % blockSize(prefix) !== 0) return undefined;
  return { base, prefix };
}

export function formatCidr(cidr: Cidr): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(cidr.base / 2 ** shift) % 256);
  return `${octets.join(".")}/${cidr.prefix}`;
}

function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** True when `inner` lies wholly inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return (
    inner.prefix >= outer.prefix &&
    inner.base >= outer.base &&
    inner.base + blockSize(inner.prefix) <= outer.base + blockSize(outer.prefix)
  );
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + blockSize(b.prefix) && b.base < a.base + blockSize(a.prefix);
}

/** The `index`-th block of `newBits` more bits inside `parent` (Terraform's `cidrsubnet`). */
export function subnet(parent: Cidr, newBits: number, index: number): Cidr {
  const prefix = parent.prefix + newBits;
  if (prefix > 32 || index < 0 || index >= 2 ** newBits) {
    throw new RangeError(`cannot take block ${index} of /${prefix} inside /${parent.prefix}`);
  }
  return { base: parent.base + index * blockSize(prefix), prefix };
}

/** How many extra bits each derived subnet takes: sixteen equal blocks of the VPC range. */
export const DERIVED_SUBNET_NEW_BITS = 4;
/** Derived public subnets start at this block, leaving blocks 0-7 to the private tier. */
export const DERIVED_PUBLIC_FIRST_BLOCK = 8;

export interface TierCidrs {
  readonly public: string[];
  readonly private: string[];
}

/**
 * Subnet ranges for `azCount` AZs, derived from the VPC range: the VPC is cut into sixteen equal
 * blocks; private subnets take blocks 0, 1, 2…, public subnets blocks 8, 9, 10…, so either tier can
 * grow to eight AZs without renumbering. A /16 VPC gives /20 subnets (4,091 usable addresses each).
 */
export function deriveSubnetCidrs(vpcCidr: string, azCount: number): TierCidrs {
  const vpc = parseCidr(vpcCidr);
  if (!vpc) throw new Error(`not a CIDR block: ${vpcCidr}`);
  const blocks = (first: number) =>
    Array.from({ length: azCount }, (_, i) => formatCidr(subnet(vpc, DERIVED_SUBNET_NEW_BITS, first + i)));
  return { private: blocks(0), public: blocks(DERIVED_PUBLIC_FIRST_BLOCK) };
}
