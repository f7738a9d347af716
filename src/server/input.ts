import type { z } from 'zod';
import { ConfigError } from '../core/index.ts';

/**
 * Parses request input with a schema at the boundary; a failure says which
 * field was wrong and what was expected.
 */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(root)', message: issue.message }));
  const summary = details.map((d) => `${d.field}: ${d.message}`).join('; ');
  throw new ConfigError(`invalid ${where}: ${summary}`, details);
}
