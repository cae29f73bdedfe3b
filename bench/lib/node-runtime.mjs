// Which Node the bench runs on. `--node 22` (or 24, or a path to a node binary) re-runs the whole
// bench under that binary, so every Node process it starts (the local server, the plain Node
// proxy, the upstream, the CLI) is that version; the report names it. Versions are installed
// from the npm registry's `node` package, outside the repository, by `node bench/install-node.mjs
// 22 24` (into ~/.cache/linkup-bench/node<major>, or $LINKUP_BENCH_NODE_DIR).
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export function nodeCacheDir(env = process.env) {
  return env.LINKUP_BENCH_NODE_DIR || join(homedir(), ".cache", "linkup-bench");
}

/** Where `install-node.mjs <major>` puts that major's binary. */
export function installedNodePath(major, env = process.env) {
  return join(nodeCacheDir(env), `node${major}`, "node_modules", "node", "bin", "node");
}

/**
 * The binary for a `--node` value: a major version ("22") found in the cache, or a path. Returns
 * { path } or { error } saying how to install it.
 */
export function resolveNode(value, env = process.env, exists = existsSync) {
  if (/^\d+$/.test(value)) {
    const path = installedNodePath(value, env);
    if (exists(path)) return { path };
    return { error: `Node ${value} is not installed for the bench: run \`node bench/install-node.mjs ${value}\` (npm install of the registry's node@${value} into ${nodeCacheDir(env)}).` };
  }
  if (exists(value)) return { path: value };
  return { error: `--node ${value}: no such file (give a major version such as 22, or a path to a node binary)` };
}
