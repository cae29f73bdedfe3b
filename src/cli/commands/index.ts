// Every command the CLI offers, in help order. Each entry is a small definition; the work is
// imported lazily inside its handler().
import type { AnyCommand, Example } from "../command.js";
import { applyCommand } from "./apply.js";
import { completeCommand } from "./complete.js";
import { completionCommand } from "./completion.js";
import { configViewCommand } from "./config-view.js";
import { dashboardCommand } from "./dashboard.js";
import { diffCommand } from "./diff.js";
import { explainCommand } from "./explain.js";
import { healthCommand } from "./health.js";
import { infraDeployCommand } from "./infra-deploy.js";
import { infraDestroyCommand } from "./infra-destroy.js";
import { initCommand } from "./init.js";
import { localDnsInstallCommand } from "./local-dns-install.js";
import { localDnsStatusCommand } from "./local-dns-status.js";
import { localDnsUninstallCommand } from "./local-dns-uninstall.js";
import { logsCommand } from "./logs.js";
import { requestsCommand } from "./requests.js";
import { routeCommand } from "./route.js";
import { sessionsCreateIsolatedCommand } from "./sessions-create-isolated.js";
import { sessionsCreatePreviewCommand } from "./sessions-create-preview.js";
import { sessionsDeleteCommand } from "./sessions-delete.js";
import { sessionsListCommand } from "./sessions-list.js";
import { startCommand } from "./start.js";
import { statusCommand } from "./status.js";
import { stopCommand } from "./stop.js";
import { validateCommand } from "./validate.js";
import { versionCommand } from "./version.js";

export const commands: readonly AnyCommand[] = [
  initCommand,
  startCommand,
  stopCommand,
  statusCommand,
  routeCommand,
  applyCommand,
  diffCommand,
  validateCommand,
  configViewCommand,
  sessionsListCommand,
  sessionsCreatePreviewCommand,
  sessionsCreateIsolatedCommand,
  sessionsDeleteCommand,
  requestsCommand,
  explainCommand,
  dashboardCommand,
  healthCommand,
  logsCommand,
  versionCommand,
  localDnsInstallCommand,
  localDnsUninstallCommand,
  localDnsStatusCommand,
  infraDeployCommand,
  infraDestroyCommand,
  completionCommand,
  completeCommand,
];

/** The `Examples:` block of `linkup --help`: the first steps. */
export const programExamples: readonly Example[] = [
  { description: "Start the local server and your personal session, then see where everything goes", command: "linkup start && linkup status" },
  { description: "Run one service from your machine", command: "linkup route local api" },
  { description: "Apply linkup.yaml on every save", command: "linkup apply --watch" },
];

/** Help text of the command groups (`linkup sessions`, `linkup config`, `linkup local-dns`, `linkup infra`). */
export const groupDescriptions: Record<string, string> = {
  config: "inspect the configuration as Linkup sees it (every file merged)",
  sessions: "list, create and delete sessions by hand (outside linkup.yaml)",
  "local-dns": "resolve your domains to this machine and trust a local CA (HTTPS without the internet)",
  infra: "put the Linkup worker on your own Cloudflare account, or remove it",
};
