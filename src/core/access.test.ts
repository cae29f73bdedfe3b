import { describe, expect, it } from "vitest";
import { accessRequirement, accessSettingsOf, normaliseTeamDomain } from "./access.js";

describe("Access settings", () => {
  it("normalises the ways people write a team domain", () => {
    for (const v of ["myteam", "myteam.cloudflareaccess.com", "https://myteam.cloudflareaccess.com/", " MyTeam "])
      expect(normaliseTeamDomain(v)).toBe("myteam.cloudflareaccess.com");
    for (const v of ["", "my team", "evil.example.com/x", "-x"]) expect(normaliseTeamDomain(v)).toBeUndefined();
  });

  it("derives issuer and certs URL from the team domain", () => {
    expect(accessSettingsOf("myteam", "abc123")).toEqual({
      kind: "on",
      settings: { teamDomain: "myteam.cloudflareaccess.com", audience: "abc123", issuer: "https://myteam.cloudflareaccess.com", certsUrl: "https://myteam.cloudflareaccess.com/cdn-cgi/access/certs" },
    });
    expect(accessSettingsOf(undefined, undefined)).toEqual({ kind: "off" });
    expect(accessSettingsOf("", " ")).toEqual({ kind: "off" });
  });

  it("refuses half a configuration and certs URLs that are not loopback", () => {
    expect(accessSettingsOf("myteam", undefined).kind).toBe("invalid");
    expect(accessSettingsOf(undefined, "abc").kind).toBe("invalid");
    expect(accessSettingsOf("myteam", "abc", "https://keys.example.net/certs").kind).toBe("invalid");
    expect(accessSettingsOf("myteam", "abc", "http://127.0.0.1:9/cdn-cgi/access/certs")).toMatchObject({ kind: "on", settings: { certsUrl: "http://127.0.0.1:9/cdn-cgi/access/certs", issuer: "https://myteam.cloudflareaccess.com" } });
  });

  it("decides per session: public is open, Access verifies the rest, team without Access fails closed except on loopback", () => {
    expect(accessRequirement("public", true, false)).toBe("open");
    expect(accessRequirement("team", true, false)).toBe("verify");
    expect(accessRequirement(undefined, true, false)).toBe("verify");
    expect(accessRequirement("team", false, false)).toBe("unconfigured");
    expect(accessRequirement("team", false, true)).toBe("open");
    expect(accessRequirement(undefined, false, false)).toBe("open");
  });
});
