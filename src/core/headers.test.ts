import { describe, expect, it } from "vitest";
import { BAGGAGE_MAX_BYTES, BAGGAGE_MAX_MEMBERS, requestHeaderDelta, responseHeaderDelta, rewriteLocation, withSessionBaggage, withSessionTracestate } from "./headers.js";

const getter = (h: Record<string, string>) => (n: string) => h[n];
const asMap = (d: [string, string | null][]) => new Map(d);
const ctx = { session: "tiny-cow", host: "tiny-cow.example.com", proto: "https", randomHex: (n: number) => "a".repeat(n) };

describe("request headers", () => {
  it("adds traceparent, tracestate and x-forwarded-* when absent", () => {
    const d = asMap(requestHeaderDelta(getter({}), { ...ctx, clientIp: "10.1.1.1" }));
    expect(d.get("traceparent")).toBe(`00-${"a".repeat(32)}-${"a".repeat(16)}-01`);
    expect(d.get("traceparent")).toHaveLength(55);
    expect(d.get("tracestate")).toBe("linkup-session=tiny-cow");
    expect(d.get("baggage")).toBe("linkup-session=tiny-cow");
    expect(d.get("x-forwarded-host")).toBe("tiny-cow.example.com");
    expect(d.get("x-forwarded-proto")).toBe("https");
    expect(d.get("x-forwarded-for")).toBe("10.1.1.1");
  });
  it("extends an existing tracestate, putting linkup's member first", () => {
    const d = asMap(requestHeaderDelta(getter({ tracestate: "other-service=32", traceparent: "00-x-y-01" }), ctx));
    expect(d.get("tracestate")).toBe("linkup-session=tiny-cow,other-service=32");
    expect(d.has("traceparent")).toBe(false);
    expect(withSessionTracestate("linkup-session=old,a=1", "new")).toBe("linkup-session=new,a=1");
  });
  it("leaves a tracestate that already names the session and keeps x-forwarded-host from an earlier hop", () => {
    const d = asMap(requestHeaderDelta(getter({ tracestate: "linkup-session=tiny-cow,a=1", "x-forwarded-host": "edge.example.com" }), ctx));
    expect(d.has("tracestate")).toBe(false);
    expect(d.has("x-forwarded-host")).toBe(false);
  });
  it("puts linkup-session first in an existing baggage, replacing another session's member", () => {
    const d = asMap(requestHeaderDelta(getter({ baggage: "userId=alice,linkup-session=old-one;p=1, isProduction=false" }), ctx));
    expect(d.get("baggage")).toBe("linkup-session=tiny-cow,userId=alice,isProduction=false");
  });
  it("leaves a baggage that already names the session (anywhere, with properties) untouched", () => {
    for (const baggage of ["linkup-session=tiny-cow", "a=1, linkup-session = tiny-cow;p", "linkup-session=tiny-cow,b=2"]) {
      expect(asMap(requestHeaderDelta(getter({ baggage }), ctx)).has("baggage")).toBe(false);
    }
    // Two linkup members (even if one is ours) are collapsed to one.
    expect(asMap(requestHeaderDelta(getter({ baggage: "linkup-session=tiny-cow,linkup-session=x" }), ctx)).get("baggage")).toBe(
      "linkup-session=tiny-cow",
    );
  });
  it("keeps baggage within the W3C limits by dropping whole members from the end", () => {
    const many = Array.from({ length: 80 }, (_, i) => `k${i}=v`).join(",");
    const members = withSessionBaggage(many, "tiny-cow").split(",");
    expect(members).toHaveLength(BAGGAGE_MAX_MEMBERS);
    expect(members[0]).toBe("linkup-session=tiny-cow");
    expect(members.at(-1)).toBe("k62=v");
    const big = [`a=${"x".repeat(5000)}`, `b=${"y".repeat(5000)}`].join(",");
    const kept = withSessionBaggage(big, "tiny-cow");
    expect(kept.length).toBeLessThanOrEqual(BAGGAGE_MAX_BYTES);
    expect(kept.split(",").map((m) => m.split("=")[0])).toEqual(["linkup-session", "a"]);
  });
  it("appends to x-forwarded-for", () => {
    const d = asMap(requestHeaderDelta(getter({ "x-forwarded-for": "1.2.3.4" }), { ...ctx, clientIp: "5.6.7.8" }));
    expect(d.get("x-forwarded-for")).toBe("1.2.3.4, 5.6.7.8");
  });
  it("strips hop-by-hop headers and those named in Connection", () => {
    const d = asMap(requestHeaderDelta(getter({ connection: "keep-alive, x-secret-hop", "keep-alive": "5", "x-secret-hop": "1", te: "trailers" }), ctx));
    expect(d.get("connection")).toBeNull();
    expect(d.get("keep-alive")).toBeNull();
    expect(d.get("x-secret-hop")).toBeNull();
    expect(d.get("te")).toBeNull();
  });
  it("sets linkup-destination only for the tunnel hop and strips it otherwise", () => {
    expect(asMap(requestHeaderDelta(getter({}), { ...ctx, destination: "web" })).get("linkup-destination")).toBe("web");
    expect(asMap(requestHeaderDelta(getter({ "linkup-destination": "web" }), ctx)).get("linkup-destination")).toBeNull();
  });
});

describe("response headers", () => {
  const base = { upstreamOrigin: "https://api.remote.test", publicOrigin: "https://tiny-cow.example.com", route: 'session="tiny-cow", service="api", location=remote' };
  it("names the session and service that answered in linkup-route, replacing any upstream value", () => {
    expect(asMap(responseHeaderDelta(getter({}), { ...base, cacheable: false })).get("linkup-route")).toBe(base.route);
    expect(asMap(responseHeaderDelta(getter({ "linkup-route": "from the local hop" }), { ...base, cacheable: false })).get("linkup-route")).toBe(base.route);
  });
  it("sets Cache-Control: no-store unless the path is in cache_routes", () => {
    expect(asMap(responseHeaderDelta(getter({ "cache-control": "max-age=60" }), { ...base, cacheable: false })).get("cache-control")).toBe("no-store");
    expect(asMap(responseHeaderDelta(getter({ "cache-control": "max-age=60" }), { ...base, cacheable: true })).has("cache-control")).toBe(false);
  });
  it("adds CORS only when the upstream did not answer CORS itself", () => {
    expect(asMap(responseHeaderDelta(getter({}), { ...base, cacheable: false })).get("access-control-allow-origin")).toBe("*");
    expect(asMap(responseHeaderDelta(getter({ "access-control-allow-origin": "https://x" }), { ...base, cacheable: false })).has("access-control-allow-origin")).toBe(false);
  });
  it("rewrites redirects to the upstream's own host back to the session", () => {
    const d = asMap(responseHeaderDelta(getter({ location: "https://api.remote.test/login?next=/a#f" }), { ...base, cacheable: false }));
    expect(d.get("location")).toBe("https://tiny-cow.example.com/login?next=/a#f");
    expect(rewriteLocation("/relative", base.upstreamOrigin, base.publicOrigin)).toBe("/relative");
    expect(rewriteLocation("https://elsewhere.test/x", base.upstreamOrigin, base.publicOrigin)).toBe("https://elsewhere.test/x");
  });
  it("sends a redirect to the real session origin back to the .localhost alias the client used", () => {
    const alias = { ...base, upstreamOrigin: "http://127.0.0.1:4001", publicOrigin: "http://tiny-cow.example.com.localhost:8787", appOrigin: "http://tiny-cow.example.com:8787" };
    const d = asMap(responseHeaderDelta(getter({ location: "http://tiny-cow.example.com:8787/login?x=1" }), { ...alias, cacheable: false }));
    expect(d.get("location")).toBe("http://tiny-cow.example.com.localhost:8787/login?x=1");
    // Without the alias, the real origin is left alone (it is where the client already is).
    expect(rewriteLocation("http://tiny-cow.example.com:8787/login", alias.upstreamOrigin, alias.publicOrigin)).toBe("http://tiny-cow.example.com:8787/login");
    expect(rewriteLocation("http://other.example.com:8787/x", alias.upstreamOrigin, alias.publicOrigin, alias.appOrigin)).toBe("http://other.example.com:8787/x");
  });
});
