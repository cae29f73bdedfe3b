import { describe, expect, it } from "vitest";
import { addressesJson, printable, sessionAddresses, type Listeners } from "./session-urls.js";

const embedded: Listeners = { deployedWorker: null, workerPort: 8787, proxyHost: "127.0.0.1", proxyPort: 8790, httpsPort: null };
const domains = [{ domain: "example.test" }, { domain: "api.example.test" }, { domain: "shop.io" }];

describe("the URLs Linkup prints", () => {
  it("embedded default: the .localhost alias on the listener that holds the session", () => {
    expect(printable(sessionAddresses("lime-panda", "tunneled", domains, embedded))).toEqual([
      "http://lime-panda.example.test.localhost:8787/",
      "http://lime-panda.shop.io.localhost:8787/",
    ]);
    expect(printable(sessionAddresses("pr-42", "preview", domains, embedded))).toEqual([
      "http://pr-42.example.test.localhost:8787/",
      "http://pr-42.shop.io.localhost:8787/",
    ]);
    // Isolated sessions are on the local proxy only.
    expect(printable(sessionAddresses("iso", "isolated", [{ domain: "example.test" }], embedded))).toEqual([
      "http://iso.example.test.localhost:8790/",
    ]);
  });

  it("a domain under .localhost opens as it is; port 80 is left out", () => {
    const l = { ...embedded, workerPort: 80 };
    expect(printable(sessionAddresses("a", "tunneled", [{ domain: "shop.localhost" }, { domain: "EXAMPLE.test" }], l))).toEqual([
      "http://a.shop.localhost/",
      "http://a.example.test.localhost/",
    ]);
  });

  it("a deployed worker: its real https URLs; isolated sessions still on this machine", () => {
    const deployed = { ...embedded, deployedWorker: "https://linkup.example.workers.dev" };
    expect(printable(sessionAddresses("lime-panda", "tunneled", [{ domain: "example.com" }], deployed))).toEqual(["https://lime-panda.example.com/"]);
    expect(printable(sessionAddresses("pr-1", "preview", [{ domain: "example.com" }], deployed))).toEqual(["https://pr-1.example.com/"]);
    expect(printable(sessionAddresses("iso", "isolated", [{ domain: "example.com" }], deployed))).toEqual(["http://iso.example.com.localhost:8790/"]);
  });

  it("after local-dns install: the real https URL on the local HTTPS listener (no port on 443)", () => {
    const dns = { ...embedded, httpsPort: 8443 };
    expect(printable(sessionAddresses("lime-panda", "tunneled", [{ domain: "example.test" }], dns))).toEqual(["https://lime-panda.example.test:8443/"]);
    expect(printable(sessionAddresses("iso", "isolated", [{ domain: "example.test" }], { ...dns, httpsPort: 443 }))).toEqual(["https://iso.example.test/"]);
    // Preview sessions live in the worker only: the local listener does not hold them.
    expect(printable(sessionAddresses("pr-42", "preview", [{ domain: "example.test" }], dns))).toEqual(["http://pr-42.example.test.localhost:8787/"]);
  });

  it("where no URL opens from here, the curl line that does", () => {
    const lan = { ...embedded, proxyHost: "192.168.1.20" };
    const a = sessionAddresses("iso", "isolated", [{ domain: "example.test" }], lan);
    expect(a).toEqual([{ domain: "example.test", url: null, curl: "curl -H 'Host: iso.example.test' http://192.168.1.20:8790/" }]);
    expect(addressesJson(a)).toEqual({ urls: [], curl: ["curl -H 'Host: iso.example.test' http://192.168.1.20:8790/"] });
    // 0.0.0.0 includes loopback: the alias works.
    expect(printable(sessionAddresses("iso", "isolated", [{ domain: "example.test" }], { ...embedded, proxyHost: "0.0.0.0" }))).toEqual([
      "http://iso.example.test.localhost:8790/",
    ]);
    const long = `${"d".repeat(60)}.${"e".repeat(60)}.${"f".repeat(60)}.${"g".repeat(60)}.test`;
    expect(printable(sessionAddresses("x", "tunneled", [{ domain: long }], embedded))).toEqual([`curl -H 'Host: x.${long}' http://127.0.0.1:8787/`]);
  });
});
