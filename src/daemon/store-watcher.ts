// Notices when another process (a CLI command writing the state directory directly, a second
// server) replaces the sessions file, so the running proxy follows it without a restart.
// The store replaces the file by rename, which a watch on the file itself would lose track of, so
// the directory is watched and events are filtered by name, then debounced: one rename produces
// several events.
import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";

const DEBOUNCE_MS = 50;

export interface StoreWatcher {
  close(): void;
}

export function watchStoreFile(path: string, onChange: () => void): StoreWatcher {
  const name = basename(path);
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined = watch(dirname(path), { persistent: false }, (_event, file) => {
    // Some platforms omit the name; then any change in the directory counts.
    if (file !== null && file !== name) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, DEBOUNCE_MS);
  });
  // A watcher error (directory removed) must not crash the server; the admin API keeps working.
  watcher.on("error", () => {
    watcher?.close();
    watcher = undefined;
  });
  return {
    close() {
      clearTimeout(timer);
      watcher?.close();
      watcher = undefined;
    },
  };
}
