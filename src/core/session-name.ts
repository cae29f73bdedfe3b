// Session names: DNS-label validation and the generator of personal-session names.
// A generated name reads as adjective-animal-suffix (`brave-otter-k2m9xq`): 120 adjectives x
// 96 animals x 32^6 suffixes is about 2^43.5 names, so nobody finds a session by trying names
// (a few thousand adjective-animal pairs alone could be enumerated in minutes). Names people
// choose are only checked to be DNS labels. The generator retries on collision and falls back
// to a numeric suffix so it always terminates.

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** True for a valid session name: a lowercase DNS label (a-z, 0-9, '-', 1-63 chars, no leading/trailing '-'). */
export function isDnsLabel(name: string): boolean {
  return DNS_LABEL.test(name);
}

export const ADJECTIVES = [
  "able", "agile", "amber", "ample", "azure", "basic", "beige", "big", "bold", "brave", "brief", "bright",
  "brisk", "broad", "busy", "calm", "chief", "civil", "clean", "clear", "clever", "close", "cool", "coral",
  "cosy", "crisp", "curly", "cute", "daily", "dapper", "dear", "deep", "dry", "eager", "early", "easy",
  "epic", "even", "exact", "fair", "fancy", "fast", "fine", "firm", "first", "fit", "fluffy", "focal",
  "fond", "frank", "free", "fresh", "full", "funny", "gentle", "giant", "glad", "golden", "good", "grand",
  "great", "green", "happy", "hardy", "heavy", "honest", "huge", "ideal", "jolly", "just", "keen", "kind",
  "large", "lean", "light", "lime", "little", "lively", "loyal", "lucky", "magic", "major", "merry", "mild",
  "modern", "neat", "new", "nice", "nimble", "noble", "novel", "odd", "olive", "open", "plain", "polite",
  "prime", "proud", "pure", "quick", "quiet", "rapid", "rare", "ready", "royal", "rustic", "safe", "sharp",
  "shiny", "silent", "silver", "simple", "slim", "smart", "snowy", "solid", "steady", "sunny", "swift", "tidy",
] as const;

export const ANIMALS = [
  "alpaca", "ant", "badger", "bat", "bear", "beaver", "bee", "bison", "boar", "bobcat", "camel", "cat",
  "cheetah", "chicken", "cobra", "cod", "cougar", "cow", "coyote", "crab", "crane", "crow", "deer", "dingo",
  "dog", "dolphin", "donkey", "dove", "duck", "eagle", "eel", "elk", "emu", "falcon", "ferret", "finch",
  "fox", "frog", "gecko", "gerbil", "goat", "goose", "gorilla", "hare", "hawk", "hedgehog", "heron", "hippo",
  "horse", "hyena", "ibis", "iguana", "impala", "jackal", "jaguar", "kiwi", "koala", "lemur", "leopard", "lion",
  "llama", "lobster", "lynx", "macaw", "marten", "mole", "moose", "moth", "mouse", "mule", "newt", "octopus",
  "okapi", "orca", "otter", "owl", "ox", "panda", "parrot", "pelican", "penguin", "pig", "pony", "puma",
  "quail", "rabbit", "raven", "seal", "shark", "sheep", "snake", "swan", "tiger", "turtle", "walrus", "zebra",
] as const;

/** The random suffix's letters: lowercase, without i, l, o and u (Crockford's base 32), easy to read aloud. */
export const SUFFIX_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
export const SUFFIX_LENGTH = 6;

/** Number of distinct generated names (adjective x animal x suffix). */
export const NAME_SPACE = ADJECTIVES.length * ANIMALS.length * SUFFIX_ALPHABET.length ** SUFFIX_LENGTH;

/** A source of uniform integers in [0, n); injected so tests are deterministic. */
export type RandomInt = (n: number) => number;

/** Uniform in [0, n): draws falling in the last, incomplete multiple of n are thrown away, so no value is favoured. */
export const cryptoRandomInt: RandomInt = (n) => {
  const limit = 2 ** 32 - (2 ** 32 % n);
  const buf = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(buf);
    if (buf[0]! < limit) return buf[0]! % n;
  }
};

export function randomSessionName(random: RandomInt = cryptoRandomInt): string {
  let suffix = "";
  for (let i = 0; i < SUFFIX_LENGTH; i++) suffix += SUFFIX_ALPHABET[random(SUFFIX_ALPHABET.length)];
  return `${ADJECTIVES[random(ADJECTIVES.length)]}-${ANIMALS[random(ANIMALS.length)]}-${suffix}`;
}

/**
 * A fresh generated name for which `exists` is false. Tries `attempts` random names,
 * then appends a number, so it terminates even when the name space is crowded.
 */
export async function generateSessionName(
  exists: (name: string) => boolean | Promise<boolean>,
  random: RandomInt = cryptoRandomInt,
  attempts = 20,
): Promise<string> {
  for (let i = 0; i < attempts; i++) {
    const name = randomSessionName(random);
    if (!(await exists(name))) return name;
  }
  const base = randomSessionName(random);
  for (let n = 2; ; n++) {
    const name = `${base}-${n}`;
    if (!(await exists(name))) return name;
  }
}
