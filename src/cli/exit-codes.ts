// Named exit codes. `diff` follows diff(1): 0 same, 1 different, 2+ trouble (argument errors too).
export const EXIT = {
  OK: 0,
  /** `diff`: there are changes; `validate`: the config is invalid; `apply`: some session failed. */
  CHANGES: 1,
  INVALID: 1,
  PARTIAL_FAILURE: 1,
  /** Any error, argument errors included. */
  ERROR: 2,
} as const;
