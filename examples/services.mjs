#!/usr/bin/env node
// Runs only the example system (both copies of web, api and auth) until Ctrl-C, for when you
// want to drive Linkup yourself: `node examples/services.mjs`, then `linkup apply -f examples/linkup.yaml`.
import { startExampleServices } from "./services/start-services.mjs";

const system = await startExampleServices();
for (const s of system.services) console.log(`${s.name.padEnd(5)} ${s.copy.padEnd(6)} ${s.url}`);
console.log("Ctrl-C to stop");
const stop = async () => {
  await system.close();
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
