/** The `Status` body kube-apiserver returns with failures, parsed permissively. */
import { z } from 'zod';

/** A StatusCause: its Go field `Type` is serialised as `reason`. */
const causeSchema = z.object({
  reason: z.string().optional(),
  message: z.string().optional(),
  field: z.string().optional(),
});

export const statusSchema = z.object({
  kind: z.literal('Status'),
  status: z.string().optional(),
  message: z.string().optional(),
  reason: z.string().optional(),
  code: z.number().optional(),
  details: z
    .object({
      name: z.string().optional(),
      group: z.string().optional(),
      kind: z.string().optional(),
      causes: z.array(causeSchema).optional(),
      retryAfterSeconds: z.number().optional(),
    })
    .optional(),
});

export type KubeStatus = z.output<typeof statusSchema>;

/** The Status in a response body, or undefined when the body is something else (a proxy's HTML page…). */
export function parseStatus(body: unknown): KubeStatus | undefined {
  const parsed = statusSchema.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
