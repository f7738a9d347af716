import { z } from 'zod';
import type { Severity } from './finding.ts';

/**
 * A scanner's severity word, compared case-insensitively (Trivy writes
 * `HIGH`, Grype `High`), mapped to the common scale.
 */
export function severitySchema(words: readonly string[], map: Readonly<Record<string, Severity>>) {
  return z.string().transform((value, ctx): Severity => {
    const severity = map[value.toLowerCase()];
    if (severity !== undefined && Object.hasOwn(map, value.toLowerCase())) return severity;
    ctx.addIssue({ code: 'custom', message: `expected one of ${words.join(', ')}, found ${JSON.stringify(value)}` });
    return z.NEVER;
  });
}
