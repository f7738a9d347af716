/**
 * Parsed file + build context → the `Plan` the runner executes: variables
 * substituted, conditions decided, pipelines in dependency order, steps
 * with explicit dependencies and a generated clone step.
 */
import { ConfigError } from '../core/index.ts';
import { cloneCommands } from './clone.ts';
import { decide } from './conditions.ts';
import type { BuildContext } from './context.ts';
import type { Diagnostic } from './diagnostic.ts';
import { formatDiagnostic, sortDiagnostics } from './diagnostic.ts';
import { buildEnvironment, stageEnvironment, stepEnvironment } from './environment.ts';
import { topologicalOrder } from './graph.ts';
import { semanticDiagnostics } from './lint.ts';
import type { EnvValue, ParsedFile, PipelineDoc, StepDoc } from './model.ts';
import type { Plan, PlanPipeline, PlanStep, SecretRef } from './plan.ts';
import { settingsVariables } from './settings.ts';
import { substitutePipeline } from './substitute-model.ts';

/** Drone's image for the clone step of container pipelines. */
export const cloneImage = 'drone/git:latest';

/** @throws ConfigError with the error `Diagnostic[]` as `details` when the file has errors. */
export function compilePlan(file: ParsedFile, context: BuildContext): Plan {
  failOnErrors(file, [...file.diagnostics, ...semanticDiagnostics(file, file.pipelines)]);
  const vars = buildEnvironment(context);
  const pipelines = file.pipelines.map((p) => substitutePipeline(p, vars));
  // Substitution may rename things (`name: ${DRONE_BRANCH}`): check the result too.
  failOnErrors(file, semanticDiagnostics(file, pipelines));

  const compiled = pipelines.map((p, i) => compilePipeline(p, i + 1, vars, context));
  const byName = new Map(compiled.map((p) => [p.name, p]));
  const order = topologicalOrder(
    compiled.map((p) => p.name),
    (n) => byName.get(n)?.dependsOn ?? [],
  );
  return { pipelines: order.flatMap((n) => byName.get(n) ?? []) };
}

function failOnErrors(file: ParsedFile, diagnostics: Diagnostic[]): void {
  const errors = sortDiagnostics(diagnostics.filter((d) => d.severity === 'error'));
  if (errors.length === 0) return;
  const first = errors[0] as Diagnostic;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  throw new ConfigError(`invalid pipeline file ${file.file}: ${formatDiagnostic(first)}${more}`, errors);
}

function compilePipeline(p: PipelineDoc, number: number, vars: Record<string, string>, context: BuildContext): PlanPipeline {
  const trigger = decide(p.trigger, context, 'trigger');
  const platform: PlanPipeline['platform'] = { os: p.platform.os || 'linux', arch: p.platform.arch || 'amd64' };
  if (p.platform.variant) platform.variant = p.platform.variant;
  if (p.platform.version) platform.version = p.platform.version;
  const isExec = p.type === 'exec';
  const stage = stageEnvironment({ name: p.name, type: p.type, platform, dependsOn: p.dependsOn }, number);
  const shared = { ...vars, ...stage };
  const pipelineEnv = p.environment;

  const steps: PlanStep[] = [];
  if (!p.clone.disable) steps.push(cloneStep(p, isExec, shared, context));
  const offset = steps.length;
  const graph = p.steps.some((s) => (s.dependsOn ?? []).length > 0);
  p.steps.forEach((s, i) => {
    const step = compileStep(s, 'step', isExec, { ...shared, ...stepEnvironment(s.name, offset + i + 1) }, pipelineEnv, context);
    if (graph) step.dependsOn = s.dependsOn?.length ? [...s.dependsOn] : p.clone.disable ? [] : ['clone'];
    else {
      const previous = steps[steps.length - 1];
      step.dependsOn = previous ? [previous.name] : [];
    }
    steps.push(step);
  });
  const services = p.services.map((s, i) => {
    const service = compileStep(s, 'service', isExec, { ...shared, ...stepEnvironment(s.name, offset + p.steps.length + i + 1) }, pipelineEnv, context);
    service.detach = true;
    service.dependsOn = [];
    return service;
  });

  const pipeline: PlanPipeline = {
    name: p.name,
    type: p.type,
    dependsOn: [...p.dependsOn],
    runPolicy: trigger.runPolicy,
    platform,
    node: { ...p.node },
    workspace: workspaceOf(p),
    clone: { disable: p.clone.disable, skipVerify: p.clone.skipVerify },
    volumes: p.volumes.map((v) => ({ ...v })),
    services,
    steps,
  };
  if (trigger.skipReason) pipeline.skipReason = trigger.skipReason;
  if (p.clone.depth !== undefined) pipeline.clone.depth = p.clone.depth;
  if (p.clone.retries !== undefined) pipeline.clone.retries = p.clone.retries;
  if (p.concurrencyLimit !== undefined) pipeline.concurrencyLimit = p.concurrencyLimit;
  if (p.imagePullSecrets.length > 0) pipeline.imagePullSecrets = [...p.imagePullSecrets];
  if (p.kubernetes) pipeline.kubernetes = structuredClone(p.kubernetes);
  return pipeline;
}

/**
 * Drone's defaults: `/drone` + `src` in containers; for exec pipelines
 * `src` inside the build's own folder. An absolute `workspace.path` is the
 * whole workspace, as in Drone 1.x.
 */
function workspaceOf(p: PipelineDoc): PlanPipeline['workspace'] {
  const base = p.workspace.base ?? (p.type === 'exec' ? '' : '/drone');
  const path = p.workspace.path ?? 'src';
  if (path.startsWith('/')) return { base: path, path: '' };
  return { base, path };
}

function cloneStep(p: PipelineDoc, isExec: boolean, shared: Record<string, string>, context: BuildContext): PlanStep {
  const { event } = context.build;
  const environment: Record<string, string> = {
    ...shared,
    ...stepEnvironment('clone', 1),
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: context.commit.author.name || 'trunkline',
    GIT_AUTHOR_EMAIL: context.commit.author.email || 'noreply@trunkline',
    GIT_COMMITTER_NAME: context.commit.author.name || 'trunkline',
    GIT_COMMITTER_EMAIL: context.commit.author.email || 'noreply@trunkline',
  };
  if (p.clone.skipVerify) environment.GIT_SSL_NO_VERIFY = 'true';
  return {
    name: 'clone',
    kind: 'clone',
    image: isExec ? '' : cloneImage,
    commands: cloneCommands({
      depth: p.clone.depth,
      retries: p.clone.retries,
      refGone: event === 'delete',
      onBranch: event !== 'delete' && event !== 'pull_request' && context.commit.ref.startsWith('refs/heads/'),
    }),
    entrypoint: [],
    command: [],
    environment,
    secrets: [],
    dependsOn: [],
    // As in Drone: the checkout runs whatever happens (it is first anyway).
    runPolicy: 'always',
    errorPolicy: 'fail',
    detach: false,
    privileged: false,
    pull: 'default',
    volumes: [],
    workingDir: '',
  };
}

function compileStep(
  s: StepDoc,
  kind: 'step' | 'service',
  isExec: boolean,
  base: Record<string, string>,
  pipelineEnv: Record<string, EnvValue>,
  context: BuildContext,
): PlanStep {
  const decision = decide(s.when, context, 'when');
  const plugin = settingsVariables(s.settings);
  // Later layers win, whether plain or secret: build < pipeline < step < settings.
  const layered = new Map<string, EnvValue>();
  for (const [k, v] of Object.entries(base)) layered.set(k, { value: v });
  for (const layer of [pipelineEnv, s.environment]) for (const [k, v] of Object.entries(layer)) layered.set(k, v);
  for (const [k, v] of Object.entries(plugin.env)) layered.set(k, { value: v });
  for (const ref of plugin.secrets) layered.set(ref.env, { fromSecret: ref.secret });
  const environment: Record<string, string> = {};
  const secrets: SecretRef[] = [];
  for (const [k, v] of layered) {
    if ('fromSecret' in v) secrets.push({ env: k, secret: v.fromSecret });
    else environment[k] = v.value;
  }
  const step: PlanStep = {
    name: s.name,
    kind,
    image: isExec ? '' : (s.image ?? ''),
    commands: [...s.commands],
    entrypoint: [...s.entrypoint],
    command: [...s.command],
    environment,
    secrets,
    dependsOn: [],
    runPolicy: decision.runPolicy,
    errorPolicy: s.failure,
    detach: s.detach,
    privileged: s.privileged,
    pull: s.pull,
    volumes: s.volumes.map((v) => ({ ...v })),
    workingDir: s.workingDir,
  };
  if (decision.skipReason) step.skipReason = decision.skipReason;
  if (s.resources) {
    step.resources = {};
    if (s.resources.limits) step.resources.limits = { ...s.resources.limits };
    if (s.resources.requests) step.resources.requests = { ...s.resources.requests };
  }
  if (s.user !== undefined) step.user = s.user;
  return step;
}
