// Every command the CLI offers, in help order. Each entry is a small definition; the work is
// imported lazily inside its run().
import type { CommandDef } from "../command.js";
import { applyCommand } from "./apply.js";
import { diffCommand } from "./diff.js";
import { validateCommand } from "./validate.js";

export const commands: CommandDef[] = [applyCommand, diffCommand, validateCommand];
