/**
 * Semantic checks on top of parsing: names, dependencies, images,
 * conditions, volumes. `lintPipelineFile` = parse diagnostics + these.
 */
import { knownEvents } from './conditions.ts';
import type { Diagnostic, Severity } from './diagnostic.ts';
import { sortDiagnostics } from './diagnostic.ts';
import { findCycle } from './graph.ts';
import type { Conditions, ParsedFile, PipelineDoc, Site, StepDoc, YamlPath } from './model.ts';
import { parsePipelineFile } from './parse.ts';
import { closest } from './suggest.ts';

export function lintPipelineFile(text: string, file: string): Diagnostic[] {
  const parsed = parsePipelineFile(text, file);
  return sortDiagnostics([...parsed.diagnostics, ...semanticDiagnostics(parsed, parsed.pipelines)]);
}

/** Checks `pipelines` (the parsed ones, or the same after substitution) of `file`. */
export function semanticDiagnostics(file: ParsedFile, pipelines: readonly PipelineDoc[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (severity: Severity, site: Site, subpath: YamlPath, message: string): void => {
    const { line, column, field } = file.locate(site, subpath);
    out.push({ severity, file: file.file, line, column, field, message });
  };

  if (pipelines.length === 0 && !file.diagnostics.some((d) => d.severity === 'error')) {
    out.push({ severity: 'warning', file: file.file, line: 1, column: 1, field: '', message: 'no pipeline defined (expected a document with kind: pipeline)' });
  }

  const byName = new Map<string, PipelineDoc>();
  for (const p of pipelines) {
    if (byName.has(p.name)) report('error', p.at, ['name'], `duplicate pipeline name ${JSON.stringify(p.name)}`);
    else byName.set(p.name, p);
  }
  for (const p of pipelines) {
    p.dependsOn.forEach((dep, i) => {
      if (!byName.has(dep)) report('error', p.at, ['depends_on', i], `depends on pipeline ${JSON.stringify(dep)}, which does not exist${suggest(dep, [...byName.keys()])}`);
    });
  }
  const pipelineCycle = findCycle([...byName.keys()], (n) => byName.get(n)?.dependsOn ?? []);
  if (pipelineCycle) {
    const first = byName.get(pipelineCycle[0] ?? '');
    if (first) report('error', first.at, ['depends_on'], `pipeline dependency cycle: ${pipelineCycle.join(' -> ')}`);
  }

  for (const p of pipelines) lintPipeline(p, report);
  return out;
}

type Report = (severity: Severity, site: Site, subpath: YamlPath, message: string) => void;

function lintPipeline(p: PipelineDoc, report: Report): void {
  const container = p.type !== 'exec';
  const all = [...p.steps, ...p.services];
  const names = new Map<string, StepDoc>();
  for (const s of all) {
    if (names.has(s.name)) report('error', s.at, ['name'], `duplicate step name ${JSON.stringify(s.name)} in pipeline ${JSON.stringify(p.name)}`);
    else names.set(s.name, s);
    if (s.name === 'clone' && !p.clone.disable) {
      report('error', s.at, ['name'], 'step name "clone" is taken by the generated clone step (set clone.disable to use it)');
    }
  }
  const targets = [...names.keys(), ...(p.clone.disable ? [] : ['clone'])];
  for (const s of p.steps) {
    (s.dependsOn ?? []).forEach((dep, i) => {
      if (!targets.includes(dep)) report('error', s.at, ['depends_on', i], `depends on step ${JSON.stringify(dep)}, which does not exist${suggest(dep, targets)}`);
    });
  }
  const stepCycle = findCycle(
    p.steps.map((s) => s.name),
    (n) => names.get(n)?.dependsOn ?? [],
  );
  if (stepCycle) {
    const first = names.get(stepCycle[0] ?? '');
    if (first) report('error', first.at, ['depends_on'], `step dependency cycle: ${stepCycle.join(' -> ')}`);
  }

  const volumeNames = new Set<string>();
  p.volumes.forEach((v, i) => {
    if (volumeNames.has(v.name)) report('error', p.at, ['volumes', i, 'name'], `duplicate volume name ${JSON.stringify(v.name)}`);
    volumeNames.add(v.name);
  });

  for (const s of all) {
    const isService = s.at.path[0] === 'services';
    if (container && !s.image) report('error', s.at, ['image'], `missing required key "image": every ${isService ? 'service' : 'step'} of a ${p.type} pipeline needs an image`);
    if (!container && s.commands.length === 0) report('error', s.at, ['commands'], 'missing required key "commands": exec pipeline steps run commands');
    else if (s.commands.length === 0 && !s.image) report('error', s.at, [], 'expected commands or an image');
    if (!container && s.image) report('warning', s.at, ['image'], 'image is ignored in exec pipelines');
    if (!container && isService) report('warning', s.at, [], 'services are ignored in exec pipelines');
    s.volumes.forEach((v, i) => {
      if (!volumeNames.has(v.name)) report('error', s.at, ['volumes', i, 'name'], `volume ${JSON.stringify(v.name)} is not declared in the pipeline's volumes`);
    });
    lintConditions(s.when, s.at, ['when'], report);
  }
  lintConditions(p.trigger, p.at, ['trigger'], report);
}

function lintConditions(conditions: Conditions, site: Site, path: YamlPath, report: Report): void {
  checkValues(conditions.event, knownEvents, 'event', site, [...path, 'event'], report);
  checkValues(conditions.status, ['success', 'failure'], 'status', site, [...path, 'status'], report);
}

function checkValues(
  condition: Conditions['event'],
  allowed: readonly string[],
  what: string,
  site: Site,
  path: YamlPath,
  report: Report,
): void {
  if (!condition) return;
  for (const value of [...condition.include, ...condition.exclude]) {
    if (allowed.includes(value) || /[*?[{]/.test(value)) continue;
    report('warning', site, path, `unknown ${what} ${JSON.stringify(value)}; expected one of ${allowed.join(', ')}${suggest(value, allowed)}`);
  }
}

function suggest(word: string, candidates: readonly string[]): string {
  const best = closest(word, candidates);
  return best ? ` (did you mean ${JSON.stringify(best)}?)` : '';
}
