import { contains, deriveSubnetCidrs, formatCidr, overlaps, parseCidr, subnet } from "../config/cidr";

describe("CIDR arithmetic", () => {
  it("parses a block and formats it back", () => {
    expect(formatCidr(parseCidr("10.20.0.0/16")!)).toBe("10.20.0.0/16");
  });

  it.each(["10.0.0.1/16", "256.0.0.0/8", "10.0.0.0/33", "10.0.0.0", "ten/8"])("rejects %s", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it("takes the n-th block like Terraform's cidrsubnet", () => {
    expect(formatCidr(subnet(parseCidr("10.0.0.0/16")!, 4, 9))).toBe("10.0.144.0/20");
    expect(() => subnet(parseCidr("10.0.0.0/16")!, 4, 16)).toThrow(RangeError);
  });

  it("tells containment and overlap", () => {
    const vpc = parseCidr("10.0.0.0/16")!;
    expect(contains(vpc, parseCidr("10.0.255.0/24")!)).toBe(true);
    expect(contains(vpc, parseCidr("10.1.0.0/24")!)).toBe(false);
    expect(overlaps(parseCidr("10.0.0.0/20")!, parseCidr("10.0.15.0/24")!)).toBe(true);
    expect(overlaps(parseCidr("10.0.0.0/20")!, parseCidr("10.0.16.0/24")!)).toBe(false);
  });

  it("derives private subnets from block 0 and public subnets from block 8 of sixteen", () => {
    expect(deriveSubnetCidrs("10.20.0.0/16", 3)).toEqual({
      private: ["10.20.0.0/20", "10.20.16.0/20", "10.20.32.0/20"],
      public: ["10.20.128.0/20", "10.20.144.0/20", "10.20.160.0/20"],
    });
    expect(deriveSubnetCidrs("192.168.4.0/24", 2)).toEqual({
      private: ["192.168.4.0/28", "192.168.4.16/28"],
      public: ["192.168.4.128/28", "192.168.4.144/28"],
    });
  });
});
