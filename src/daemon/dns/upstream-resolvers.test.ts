import { describe, expect, it } from "vitest";
import { parseResolvConf, parseUpstreamList, systemUpstreams, withoutLoops } from "./upstream-resolvers.js";

describe("upstream resolvers", () => {
  it("reads nameserver lines, skipping comments and non-addresses", () => {
    const text = "# generated\nnameserver 10.0.0.1\nsearch corp.example\n nameserver fe80::1%eth0\nnameserver not-an-ip\n;nameserver 9.9.9.9\nnameserver 2001:db8::53\n";
    expect(parseResolvConf(text)).toEqual(["10.0.0.1", "fe80::1%eth0", "2001:db8::53"]);
  });

  it("prefers systemd-resolved's own upstreams over its stub, and skips files naming only stubs", () => {
    const files: Record<string, string> = {
      "/run/systemd/resolve/resolv.conf": "nameserver 127.0.0.53\n",
      "/etc/resolv.conf": "nameserver 127.0.0.53\nnameserver 192.168.1.1\n",
    };
    expect(systemUpstreams(Object.keys(files), (p) => files[p]!)).toEqual([{ host: "192.168.1.1", port: 53 }]);
    files["/run/systemd/resolve/resolv.conf"] = "nameserver 10.1.2.3\n";
    expect(systemUpstreams(Object.keys(files), (p) => files[p]!)).toEqual([{ host: "10.1.2.3", port: 53 }]);
    const missing = (p: string): string => {
      throw Object.assign(new Error(`ENOENT ${p}`), { code: "ENOENT" });
    };
    expect(systemUpstreams(Object.keys(files), missing)).toEqual([]);
  });

  it("never forwards to itself or to resolved's stubs (which would send the query back)", () => {
    const self = { host: "127.0.0.1", port: 8053 };
    expect(
      withoutLoops(
        [
          { host: "127.0.0.1", port: 8053 },
          { host: "::1", port: 8053 },
          { host: "127.0.0.53", port: 53 },
          { host: "127.0.0.1", port: 53 },
          { host: "10.0.0.1", port: 8053 },
        ],
        self,
      ),
    ).toEqual([
      { host: "127.0.0.1", port: 53 },
      { host: "10.0.0.1", port: 8053 },
    ]);
  });

  it("parses explicit lists and refuses names", () => {
    expect(parseUpstreamList(" 1.1.1.1 , 127.0.0.1:5300,[2001:db8::1]:53, 2001:db8::2")).toEqual([
      { host: "1.1.1.1", port: 53 },
      { host: "127.0.0.1", port: 5300 },
      { host: "2001:db8::1", port: 53 },
      { host: "2001:db8::2", port: 53 },
    ]);
    expect(parseUpstreamList("")).toEqual([]);
    for (const bad of ["dns.google", "1.1.1.1:0", "1.1.1.1:99999", "[::1]:x"]) expect(() => parseUpstreamList(bad)).toThrow(/not a resolver address/);
  });
});
