import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { messageOf } from '../../core/index.ts';
import { compilePlan, formatDiagnostic, lintPipelineFile, parsePipelineFile, type BuildEvent, type Plan } from '../../pipeline/index.ts';
import { runPlan } from '../../runner/index.ts';
import { ExecPrinter } from '../exec-printer.ts';
import { localBuildContext } from '../local-context.ts';

export interface ExecOptions {
  branch?: string;
  event: string;
  tag?: string;
  deployTo?: string;
  env: Record<string, string>;
  secret: Record<string, string>;
  pipeline?: string[];
  clone: boolean;
  timeout?: number;
  /** Privileged steps and host volumes are allowed. */
  trusted?: boolean;
}

/**
 * `trunkline exec`: runs a pipeline file in the current folder like `drone
 * exec` — the folder itself is the workspace and nothing is cloned unless
 * `--clone` asks for a clean checkout of HEAD. Returns the exit code.
 */
export async function execCommand(file: string, options: ExecOptions): Promise<number> {
  const dir = process.cwd();
  const path = resolve(dir, file);
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new Error(`cannot read ${file}: ${messageOf(error)}`);
  });
  const diagnostics = lintPipelineFile(text, file);
  for (const diagnostic of diagnostics) process.stderr.write(`${formatDiagnostic(diagnostic)}\n`);
  if (diagnostics.some((d) => d.severity === 'error')) return 2;
  const parsed = parsePipelineFile(text, file);

  const context = await localBuildContext(dir, {
    branch: options.branch,
    event: options.event as BuildEvent,
    tag: options.tag,
    deployTo: options.deployTo,
    buildNumber: 1,
    params: options.env,
  });
  const compiled = selectPipelines(compilePlan(parsed, context), options.pipeline);
  const plan = options.clone ? compiled : withoutClone(compiled);
  const printer = new ExecPrinter({
    write: (chunk) => process.stdout.write(chunk),
    colour: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    multiplePipelines: plan.pipelines.length > 1,
  });

  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const result = await runPlan({
      plan,
      secrets: options.secret,
      observer: printer,
      logger: pino({ level: process.env.TRUNKLINE_LOG_LEVEL ?? 'warn' }, process.stderr),
      signal: controller.signal,
      backendConfig: options.clone ? {} : { exec: { workspace: dir }, container: { workspace: dir } },
      trusted: options.trusted === true,
      stepTimeoutMs: options.timeout ? options.timeout * 60_000 : undefined,
    });
    process.stdout.write(printer.summary(result));
    return result.status === 'success' ? 0 : 1;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}

/** Keeps the named pipelines (all when none are named), forgetting dependencies on the others. */
function selectPipelines(plan: Plan, names: string[] | undefined): Plan {
  if (!names || names.length === 0) return plan;
  const unknown = names.filter((name) => !plan.pipelines.some((pipeline) => pipeline.name === name));
  if (unknown.length > 0) throw new Error(`no pipeline named ${unknown.map((n) => `"${n}"`).join(', ')} in the file`);
  const kept = plan.pipelines.filter((pipeline) => names.includes(pipeline.name));
  return {
    pipelines: kept.map((pipeline) => ({ ...pipeline, dependsOn: pipeline.dependsOn.filter((dep) => names.includes(dep)) })),
  };
}

/** The folder is the workspace already: clone steps go, and so do the dependencies on them. */
function withoutClone(plan: Plan): Plan {
  return {
    pipelines: plan.pipelines.map((pipeline) => {
      const clones = new Set(pipeline.steps.filter((step) => step.kind === 'clone').map((step) => step.name));
      return {
        ...pipeline,
        clone: { ...pipeline.clone, disable: true },
        steps: pipeline.steps
          .filter((step) => !clones.has(step.name))
          .map((step) => ({ ...step, dependsOn: step.dependsOn.filter((dep) => !clones.has(dep)) })),
      };
    }),
  };
}
