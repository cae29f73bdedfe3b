// The owner of a personal session: a stable per-person id (kept in the state directory, or given by
// LINKUP_OWNER / --owner in CI) recorded on the sessions that belong to one person, so `apply
// --prune` on one laptop never deletes a teammate's personal session. It is a label, not a
// credential: anyone holding the worker token can still write any session.

/** Letters, digits, `.`, `_`, `@` and `-`; starts with a letter or digit; at most 64 characters. */
const OWNER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** Why `value` cannot be an owner id, or undefined when it can. */
export function ownerProblem(value: string): string | undefined {
  if (OWNER_PATTERN.test(value)) return undefined;
  return `owner "${value.slice(0, 70)}" is not a valid owner id (letters, digits, '.', '_', '@' and '-', starting with a letter or digit, at most 64 characters)`;
}
