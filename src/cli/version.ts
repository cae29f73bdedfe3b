// The CLI's version, read from package.json. This module sits at dist/cli/ both as its own file and
// inside the bundled entry (dist/cli/main.bundle.js), so the relative path is right in both.
import { createRequire } from "node:module";

export const CLI_VERSION = (createRequire(import.meta.url)("../../package.json") as { version: string }).version;
