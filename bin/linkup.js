#!/usr/bin/env node
// The installed entry point: runs the compiled CLI (built by `npm run build`, which `npm ci` runs via `prepare`).
import v8 from "node:v8";

// Node's fetch parses HTTP with a WebAssembly build of llhttp; V8 re-compiles it in the background
// with its optimising tier, and a process cannot exit before that finishes (~170 ms here). A CLI
// makes a handful of requests, so the baseline compiler alone is the faster choice.
v8.setFlagsFromString("--liftoff-only");

const { main } = await import("../dist/cli/main.bundle.js");
process.exitCode = await main(process.argv.slice(2));
