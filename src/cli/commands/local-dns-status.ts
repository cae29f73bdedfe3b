// `linkup local-dns status`: whether `local-dns install` has run here, for which domains, and
// whether the running local server serves HTTPS (it turns HTTPS on when it starts).
import { defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { DATA_OUTPUT_OPTIONS, formatOf, printResult } from "../output/format.js";

export const localDnsStatusCommand = defineCommand({
  name: "local-dns status",
  description: "show whether local DNS is installed, for which domains, and whether HTTPS is served",
  examples: [
    { description: "Is local DNS installed, and does the local server serve HTTPS?", command: "linkup local-dns status" },
    { description: "The same for a script", command: "linkup local-dns status -o json" },
  ],
  options: { ...DATA_OUTPUT_OPTIONS },
  async handler(args, { io, settings }) {
    const { stateDir } = await import("../../machine/state-dir.js");
    const { localDnsStatus } = await import("../../machine/local-dns/local-dns.js");
    const { runningHttpsPort } = await import("../../operations/listeners.js");
    const dir = stateDir(settings);
    const s = localDnsStatus(dir);
    const https = await runningHttpsPort(dir, settings);
    await printResult(io, formatOf(args), {
      data: { installed: s.installed, domains: s.domains, platform: s.platform, installed_at: s.installedAt, record: s.recordPath, https_port: https.port, local_server: https.running },
      text() {
        if (!s.installed) {
          io.out("local DNS: not installed (`linkup local-dns install` sets it up; until then Linkup prints http://<session>.<domain>.localhost:<port>/ URLs)");
          return;
        }
        io.out(`local DNS: installed ${s.installedAt ?? ""} on ${s.platform ?? "?"} for ${s.domains.join(", ")}`);
        io.out(`record: ${s.recordPath}`);
        if (!https.running) io.out("local server: not running (it serves HTTPS when it starts)");
        else if (https.port === null) io.out("local server: running without HTTPS (it started before install): `linkup stop`, then `linkup start` or `linkup apply`");
        else io.out(`local server: serving https://<session>.<domain>${https.port === 443 ? "" : `:${https.port}`}/`);
      },
    });
    return EXIT.OK;
  },
});
