// Runs a GitHub Actions job from examples/ci locally, the way a runner would run its `run:` steps:
// bash -eo pipefail in the checkout, env from the workflow, job and step (with `${{ }}`
// expressions given by the test; one it does not know fails the test), $GITHUB_OUTPUT,
// $GITHUB_STEP_SUMMARY and `steps.<id>.outputs.*`. `uses:` steps must be ones the test has
// already done itself (the checkout, Node); a step the test supplies (installing Linkup from npm,
// which a test must not do) is replaced by name. A failing step ends the job, as on GitHub.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";

export interface WorkflowStep {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  if?: string;
}

export interface WorkflowJob {
  if?: string;
  env?: Record<string, string>;
  steps: WorkflowStep[];
}

export interface Workflow {
  name: string;
  on: unknown;
  env?: Record<string, string>;
  jobs: Record<string, WorkflowJob>;
}

export interface StepResult {
  name: string;
  code: number;
  stdout: string;
  stderr: string;
}

export interface JobResult {
  ok: boolean;
  steps: StepResult[];
  outputs: Record<string, Record<string, string>>;
  summary: string;
}

export interface RunJobOptions {
  cwd: string;
  /** The runner's environment (PATH with the shims, LINKUP_HOME, ...). */
  env: Record<string, string>;
  /** Values of `${{ ... }}` expressions, by their text (e.g. "github.base_ref"). */
  expressions: Record<string, string>;
  /** `uses:` actions the test has done itself, e.g. "actions/checkout@v4". */
  done: string[];
  /** Steps the test runs itself instead, by name. */
  replace?: Record<string, () => void>;
}

export function loadWorkflow(path: string): Workflow {
  return parse(readFileSync(path, "utf8")) as Workflow;
}

/** The `run:` scripts of a workflow, every job. */
export function runScripts(w: Workflow): string[] {
  return Object.values(w.jobs).flatMap((j) => j.steps.flatMap((s) => (s.run ? [s.run] : [])));
}

const EXPRESSION = /\$\{\{\s*([^}]*?)\s*\}\}/g;

function expand(text: string, values: Record<string, string>, outputs: Record<string, Record<string, string>>): string {
  return String(text).replace(EXPRESSION, (_m, expr: string) => {
    const step = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr);
    if (step) {
      const v = outputs[step[1]!]?.[step[2]!];
      if (v === undefined) throw new Error(`workflow expression \${{ ${expr} }}: no such step output yet`);
      return v;
    }
    if (!(expr in values)) throw new Error(`workflow expression \${{ ${expr} }} has no value in this test`);
    return values[expr]!;
  });
}

function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function parseOutputFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(path)) return out;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

export async function runJob(w: Workflow, jobName: string, options: RunJobOptions): Promise<JobResult> {
  const job = w.jobs[jobName];
  if (!job) throw new Error(`no job ${jobName} in workflow ${w.name}`);
  const files = mkdtempSync(join(tmpdir(), "linkup-runner-"));
  const summaryFile = join(files, "summary.md");
  writeFileSync(summaryFile, "");
  const result: JobResult = { ok: true, steps: [], outputs: {}, summary: "" };
  const replaced = new Set<string>();
  try {
    for (const [i, step] of job.steps.entries()) {
      const name = step.name ?? step.uses ?? `step ${i + 1}`;
      if (step.if !== undefined) throw new Error(`step "${name}" has an if: this runner does not evaluate step conditions`);
      if (step.uses !== undefined) {
        if (!options.done.includes(step.uses)) throw new Error(`step "${name}" uses ${step.uses}, which this test has not done itself`);
        continue;
      }
      const replacement = options.replace?.[name];
      if (replacement) {
        replacement();
        replaced.add(name);
        result.steps.push({ name, code: 0, stdout: "", stderr: "" });
        continue;
      }
      const env: Record<string, string> = { ...options.env };
      for (const scope of [w.env, job.env, step.env])
        for (const [k, v] of Object.entries(scope ?? {})) env[k] = expand(String(v), options.expressions, result.outputs);
      const outputFile = join(files, `output-${i}`);
      writeFileSync(outputFile, "");
      Object.assign(env, { GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, CI: "true", GITHUB_ACTIONS: "true" });
      const r = await bash(expand(step.run!, options.expressions, result.outputs), options.cwd, env);
      result.steps.push({ name, ...r });
      if (step.id) result.outputs[step.id] = parseOutputFile(outputFile);
      if (r.code !== 0) {
        result.ok = false;
        break;
      }
    }
    for (const name of Object.keys(options.replace ?? {}))
      if (!replaced.has(name) && result.ok) throw new Error(`job ${jobName} has no step named "${name}" to replace`);
    result.summary = readFileSync(summaryFile, "utf8");
    return result;
  } finally {
    rmSync(files, { recursive: true, force: true });
  }
}
