/** Reads one step or service mapping into a `StepDoc`. */
import { parseLenient } from './describe.ts';
import { isRecord } from './locate.ts';
import type { Site, StepDoc } from './model.ts';
import type { Reporter } from './reporter.ts';
import { ignoredKeys, knownKeys, stepSchema } from './schema.ts';

export function readStep(value: unknown, site: Site, reporter: Reporter): StepDoc | undefined {
  reporter.unknownKeys(site, [], value, knownKeys.step, ignoredKeys.step);
  if (isRecord(value)) {
    reporter.conditionKeys(site, ['when'], value.when);
    reporter.unknownKeys(site, ['resources'], value.resources, knownKeys.resources);
    if (Array.isArray(value.volumes)) {
      value.volumes.forEach((v, i) => reporter.unknownKeys(site, ['volumes', i], v, knownKeys.stepVolume));
    }
  }
  const { data, problems } = parseLenient(stepSchema, value);
  reporter.problems(site, [], problems);
  if (!data) return undefined;
  if (data.name === undefined) {
    if (isRecord(value) && !('name' in value)) reporter.missing(site, [], 'name', 'every step needs a name');
    return undefined;
  }
  const volumes = (data.volumes ?? []).flatMap((v, i) => {
    if (v.name === undefined || v.path === undefined) {
      reporter.missing(site, ['volumes', i], v.name === undefined ? 'name' : 'path', 'a volume mount needs a name and a path');
      return [];
    }
    return [{ name: v.name, path: v.path }];
  });
  return {
    at: site,
    name: data.name,
    image: data.image,
    commands: data.commands ?? [],
    entrypoint: data.entrypoint ?? [],
    command: data.command ?? [],
    environment: data.environment ?? {},
    settings: data.settings ?? {},
    when: data.when ?? {},
    dependsOn: data.depends_on,
    failure: data.failure === 'ignore' ? 'ignore' : 'fail',
    detach: data.detach ?? false,
    privileged: data.privileged ?? false,
    pull: !data.pull ? 'default' : data.pull,
    volumes,
    resources: data.resources ? { limits: data.resources.limits, requests: data.resources.requests } : undefined,
    workingDir: data.working_dir ?? '',
    user: data.user,
  };
}
