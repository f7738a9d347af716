import { z } from 'zod';
import { valuesShape } from './values-schema.ts';

/**
 * The chart's `values.schema.json`: the values file's shape as JSON Schema
 * (draft 7, which every Helm since 3.0 reads), so `helm install -f` and
 * `helm lint` refuse what Trunkline refuses. Cross-field rules stay in
 * Trunkline's own check.
 */
export function valuesJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(valuesShape, { target: 'draft-07', io: 'input' }) as Record<string, unknown>;
  return { ...schema, title: 'Trunkline service values' };
}
