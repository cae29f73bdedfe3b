// Child process for file-store.test.ts: writes `count` sessions named `<prefix>-<i>` through its
// own fileStore, so two of these at once exercise the cross-process lock.
import { fileStore } from "../../src/store/file-store.js";
import { sessionRecord } from "../daemon/proxy-fixtures.js";

const [dir, prefix, countText] = process.argv.slice(2);
const store = fileStore(dir!);
for (let i = 0; i < Number(countText); i++) {
  await store.update(`${prefix}-${i}`, (current) => ({ next: sessionRecord(`${prefix}-${i}`, { version: (current?.version ?? 0) + 1 }), result: undefined }));
  // Interleave with the other writer's read-modify-write cycles.
  await store.put(sessionRecord(`${prefix}-shared`, { version: i + 1 }));
}
