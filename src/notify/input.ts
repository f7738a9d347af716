import type { z } from 'zod';
import { ConfigError } from '../core/index.ts';

/** Parses input with a schema; a failure is a `ConfigError` naming each field and what it expected. */
export function parseNotifyInput<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(root)', message: issue.message }));
  throw new ConfigError(`invalid ${where}: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`, details);
}
