/**
 * The gate's policy file:
 *
 *   failOn: high            # block findings at or above (critical|high|medium|low); default high
 *   ignoreUnfixed: true     # findings without a published fix never block; default false
 *   allow:
 *     - id: CVE-2024-1234
 *       reason: not reachable, the image has no shell
 *       expires: 2025-06-30 # allowed through that day (UTC), refused from the next
 *       packages: [busybox] # optional: only in these packages
 *
 * `negligible` and `unknown` findings never block.
 */
import { z } from 'zod';
import { parseYamlWith } from '../../core/index.ts';

export const failOnLevels = ['critical', 'high', 'medium', 'low'] as const;
export type FailOn = (typeof failOnLevels)[number];

const isoDate = z.string({ error: 'expected a date as YYYY-MM-DD' }).refine(isCalendarDate, { error: 'expected a date as YYYY-MM-DD' });

const allowance = z.strictObject({
  id: z.string().trim().min(1, { error: 'expected a vulnerability id' }),
  reason: z.string().trim().min(1, { error: 'expected a reason: say why this is acceptable' }),
  expires: isoDate,
  packages: z.array(z.string().trim().min(1)).min(1, { error: 'expected at least one package (or leave "packages" out)' }).optional(),
});

export const policySchema = z.preprocess(
  (value) => value ?? {},
  z.strictObject({
    failOn: z.enum(failOnLevels, { error: `expected one of ${failOnLevels.join(', ')}` }).default('high'),
    ignoreUnfixed: z.boolean({ error: 'expected true or false' }).default(false),
    allow: z.array(allowance).default([]),
  }),
);

export type Policy = z.output<typeof policySchema>;
export type Allowance = Policy['allow'][number];

/** Parses a policy file; an empty file is the default policy (`failOn: high`). */
export function parsePolicy(text: string, file: string): Policy {
  return parseYamlWith(text, file, policySchema);
}

function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
