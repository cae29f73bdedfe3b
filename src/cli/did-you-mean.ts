// "Did you mean ...?" for a mistyped value (`locall` -> `local`): the closest allowed value by
// edit distance, when it is close enough to be a typo rather than a different word.

/** Levenshtein distance (insert, delete, substitute; each costs 1). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The allowed value the input most likely meant, or undefined when none is near. */
export function didYouMean(input: string, allowed: readonly string[]): string | undefined {
  const value = input.toLowerCase();
  let best: { word: string; distance: number } | undefined;
  for (const word of allowed) {
    // A prefix of one allowed value (`wi` -> `wide`) is a clear intent too.
    const distance = word.startsWith(value) && value.length > 0 ? 0.5 : editDistance(value, word.toLowerCase());
    if (!best || distance < best.distance) best = { word, distance };
  }
  if (!best) return undefined;
  // One edit per three characters, at least one: `locall` -> `local`, but not `xyz` -> `yaml`.
  return best.distance <= Math.max(1, Math.floor(best.word.length / 3)) ? best.word : undefined;
}
