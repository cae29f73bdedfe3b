#!/usr/bin/env node
// Installs Node majors for `npm run bench -- --node <major>`: `node bench/install-node.mjs 22 24`
// runs `npm install node@<major>` (the npm registry's `node` package, which brings the binary)
// into ~/.cache/linkup-bench/node<major> (or $LINKUP_BENCH_NODE_DIR), never into the repository.
import { execa } from "execa";
import { installedNodePath, nodeCacheDir } from "./lib/node-runtime.mjs";
import { join } from "node:path";

const majors = process.argv.slice(2);
if (majors.length === 0 || majors.some((m) => !/^\d+$/.test(m))) {
  process.stderr.write("usage: node bench/install-node.mjs <major> [<major>...]   e.g. 22 24\n");
  process.exit(2);
}
for (const major of majors) {
  const prefix = join(nodeCacheDir(), `node${major}`);
  process.stderr.write(`installing node@${major} into ${prefix}\n`);
  await execa("npm", ["install", "--prefix", prefix, "--no-audit", "--no-fund", `node@${major}`], { stdio: "inherit" });
  const { stdout } = await execa(installedNodePath(major), ["--version"]);
  process.stderr.write(`${installedNodePath(major)}: ${stdout}\n`);
}
