// What counts as secret when a config is shown (`linkup config view`, review output): values
// under keys that name a token, secret, password or key, and the password part of a URL. Shown
// as MASK, never in clear.

export const MASK = "<masked>";

const SECRET_KEY = /token|secret|passw(?:or)?d|credential|private|(?:^|[_-])(?:api)?key(?:s)?$|apikey/i;

/** A mapping key whose value should not be printed (worker_token, api_key, password, ...). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** `https://user:pass@host/` -> `https://user:<masked>@host/`; anything else unchanged. */
export function maskUrlCredentials(value: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*)@/i.exec(value);
  if (!m) return value;
  const userinfo = m[2]!;
  const colon = userinfo.indexOf(":");
  const masked = colon === -1 ? MASK : `${userinfo.slice(0, colon)}:${MASK}`;
  return `${m[1]}${masked}@${value.slice(m[0].length)}`;
}
