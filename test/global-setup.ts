// Builds what the real-process tests run: the compiled CLI (dist/) and the worker bundle.
import { execFileSync } from "node:child_process";

export default function setup(): void {
  if (process.env.LINKUP_SKIP_BUILD === "1") return;
  execFileSync("npm", ["run", "--silent", "build"], { stdio: "inherit" });
}
