#!/usr/bin/env node
// A stand-in for the GitHub CLI (`gh`), for testing the workflows in examples/ci without GitHub:
// it answers exactly the calls those workflows make, against comments kept in a JSON file
// ($GH_STANDIN_STATE), and refuses anything else. Like gh in Actions, it needs GH_TOKEN.
//   gh api --paginate repos/O/R/issues/N/comments --jq '.[] | select(.body | startswith("M")) | .id'
//   gh api --method PATCH repos/O/R/issues/comments/ID -F body=@FILE
//   gh pr comment N --body-file FILE
import { readFileSync, writeFileSync, existsSync } from "node:fs";

const statePath = process.env.GH_STANDIN_STATE;
if (!statePath) fail("GH_STANDIN_STATE is not set", 2);
if (!process.env.GH_TOKEN) fail("gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment variable.", 4);
const state = existsSync(statePath) ? JSON.parse(readFileSync(statePath, "utf8")) : { nextId: 1, comments: [], calls: [] };
const args = process.argv.slice(2);
state.calls.push(args);

function fail(message, code = 1) {
  process.stderr.write(message + "\n");
  process.exit(code);
}
function save() {
  writeFileSync(statePath, JSON.stringify(state, null, 2));
}
function flag(name) {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
}

if (args[0] === "api") {
  const path = args.find((a) => a.startsWith("repos/"));
  const method = flag("--method") ?? "GET";
  let m;
  if (method === "GET" && path && (m = /^repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(path))) {
    const jq = flag("--jq") ?? "";
    const marker = /^\.\[\] \| select\(\.body \| startswith\("([^"]+)"\)\) \| \.id$/.exec(jq);
    if (!args.includes("--paginate") || !marker) fail(`gh stand-in: unsupported comment query ${JSON.stringify(args)}`);
    for (const c of state.comments) if (c.pr === Number(m[1]) && c.body.startsWith(marker[1])) process.stdout.write(`${c.id}\n`);
    save();
  } else if (method === "PATCH" && path && (m = /^repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(path))) {
    const field = flag("-F");
    if (!field?.startsWith("body=@")) fail(`gh stand-in: PATCH needs -F body=@FILE`);
    const comment = state.comments.find((c) => c.id === Number(m[1]));
    if (!comment) fail("gh: Not Found (HTTP 404)");
    comment.body = readFileSync(field.slice("body=@".length), "utf8");
    comment.edits = (comment.edits ?? 0) + 1;
    save();
    process.stdout.write(JSON.stringify({ id: comment.id }) + "\n");
  } else fail(`gh stand-in: unsupported api call ${JSON.stringify(args)}`);
} else if (args[0] === "pr" && args[1] === "comment") {
  const pr = Number(args[2]);
  const file = flag("--body-file");
  if (!Number.isInteger(pr) || !file) fail(`gh stand-in: unsupported pr comment ${JSON.stringify(args)}`);
  state.comments.push({ id: state.nextId++, pr, body: readFileSync(file, "utf8") });
  save();
  process.stdout.write(`https://github.com/acme/shop/pull/${pr}#issuecomment-${state.nextId - 1}\n`);
} else fail(`gh stand-in: unsupported command ${JSON.stringify(args)}`);
