// `linkup init [--service NAME=LOCAL_URL,REMOTE_URL ...] [--domain D] [--force]`: a commented
// linkup.yaml for your project, linkup.local.yaml git-ignored, and the next three commands.
// Without --service it asks on a terminal; elsewhere (CI, pipes) --service is required.
import { defineCommand } from "../command.js";
import { DATA_OUTPUT_OPTIONS, formatOf, printResult } from "../output/format.js";
import type { CliIo } from "../io.js";
import { EXIT } from "../exit-codes.js";

export const initCommand = defineCommand({
  name: "init",
  description: "write a commented linkup.yaml for your project (and git-ignore linkup.local.yaml)",
  examples: [
    {
      description: "Two services, each with your copy and the deployed one",
      command: "linkup init --service web=http://localhost:3000,https://web.example.com --service api=http://localhost:4000,https://api.example.com",
    },
    { description: "A service you only run remotely, and your own domain", command: "linkup init -s web=http://localhost:3000 -s api=,https://api.example.com -d shop.test" },
    { description: "Ask for the services on the terminal", command: "linkup init" },
  ],
  options: {
    file: { type: "string", alias: "f", valueName: "file", description: "where to write the config", default: "linkup.yaml" },
    service: {
      type: "array",
      alias: "s",
      valueName: "spec",
      description: "a service as NAME=LOCAL_URL,REMOTE_URL (repeat it; either URL may be empty); asked on a terminal when left out",
    },
    domain: { type: "string", alias: "d", valueName: "domain", description: "sessions live at <session>.<domain> (default: <directory name>.test)" },
    force: { type: "boolean", description: "replace an existing config file" },
    ...DATA_OUTPUT_OPTIONS,
  },
  async handler(args, { io }) {
    const { ConfigError } = await import("../../core/errors.js");
    const { parseServiceFlag } = await import("../../config/init-config.js");
    const { initProject } = await import("../../operations/init.js");
    let services = args.service.map(parseServiceFlag);
    let domain = args.domain;
    if (services.length === 0) {
      if (!io.prompt)
        throw new ConfigError("init-no-services", "linkup init needs the project's services", {
          hint: "pass --service NAME=LOCAL_URL,REMOTE_URL for each, e.g. --service web=http://localhost:3000,https://web.example.com",
        });
      ({ services, domain } = await askForServices(io, io.prompt, domain));
    }
    const r = initProject({ cwd: io.cwd, file: args.file, services, ...(domain ? { domain } : {}), force: args.force });
    await printResult(io, formatOf(args), {
      data: r,
      text() {
        const c = io.color;
        io.out(`${r.replaced ? "replaced" : "wrote"} ${r.file} (${r.services.join(", ")}; sessions at <session>.${r.domain})`);
        if (r.gitignore.action !== "present") io.out(`${r.gitignore.action === "created" ? "created" : "updated"} ${r.gitignore.file}: ignores ${r.gitignore.entry} (your own overrides)`);
        io.out("next:");
        const width = Math.max(...r.next.map((n) => n.command.length));
        for (const n of r.next) io.out(`  ${n.command.padEnd(width)}  ${c.dim(`# ${n.why}`)}`);
      },
    });
    return EXIT.OK;
  },
});

/** The interactive half: one service per round until an empty name, then the domain. */
async function askForServices(io: CliIo, ask: (q: string) => Promise<string>, domain: string | undefined) {
  const { checkDomain, checkServiceName, defaultDomain, parseServiceFlag } = await import("../../config/init-config.js");
  const { basename } = await import("node:path");
  io.out("Your project's services: for each, the URL of your copy and of the shared deployed copy.");
  const services = [];
  for (;;) {
    const name = await ask(services.length === 0 ? "service name (e.g. web): " : "next service name (empty to finish): ");
    if (!name) {
      if (services.length > 0) break;
      continue;
    }
    try {
      checkServiceName(name);
      const local = await ask(`  ${name}: local URL, your copy (e.g. http://localhost:3000; empty if none): `);
      const remote = await ask(`  ${name}: remote URL, the deployed copy (e.g. https://${name}.example.com; empty if none): `);
      services.push(parseServiceFlag(`${name}=${local},${remote}`));
    } catch (e) {
      io.err(`${io.color.red("error:")} ${(e as Error).message}; try again`);
    }
  }
  if (!domain) {
    const suggested = defaultDomain(basename(io.cwd));
    for (;;) {
      const answer = (await ask(`domain: sessions live at <session>.<domain> [${suggested}]: `)) || suggested;
      try {
        domain = checkDomain(answer);
        break;
      } catch (e) {
        io.err(`${io.color.red("error:")} ${(e as Error).message}; try again`);
      }
    }
  }
  return { services, domain };
}
