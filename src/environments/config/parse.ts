import { parseYamlWith } from '../../core/index.ts';
import { defaultEnvironmentsYaml } from './defaults.ts';
import { resolveEnvironment, type Environment } from './environment.ts';
import { environmentsFileSchema } from './schema.ts';

/** The file's name at the root of the config repository. */
export const ENVIRONMENTS_FILE = 'environments.yaml';

/**
 * Parses `environments.yaml`; every problem is reported at once as
 * `file:line:col: field: expected …` in a `ConfigError`.
 */
export function parseEnvironments(text: string, file = ENVIRONMENTS_FILE): Environment[] {
  return parseYamlWith(text, file, environmentsFileSchema).environments.map(resolveEnvironment);
}

export function defaultEnvironments(): Environment[] {
  return parseEnvironments(defaultEnvironmentsYaml, `(built-in) ${ENVIRONMENTS_FILE}`);
}
