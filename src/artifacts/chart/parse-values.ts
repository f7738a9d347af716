import { normalizeValues } from './service-values.ts';
import type { ServiceValues } from './service-values.ts';
import { valuesSchema } from './values-schema.ts';
import { parseYamlWith } from '../../core/index.ts';

/**
 * A service's values file → its values with every default applied.
 * Throws `ConfigError` listing each problem as `file:line:col: field: expected …`.
 */
export function parseValues(text: string, file = 'values.yaml'): ServiceValues {
  return normalizeValues(parseYamlWith(text, file, valuesSchema, { version: '1.1', empty: {} }));
}
