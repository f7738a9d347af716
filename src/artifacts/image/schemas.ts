import { z } from 'zod';
import { ExternalError } from '../../core/index.ts';

/** Registry answers are parsed permissively: unknown fields are kept, the ones used are checked. */
const descriptor = z.looseObject({
  mediaType: z.string(),
  digest: z.string().regex(/^sha(256|512):[a-f0-9]+$/),
  size: z.number().int().nonnegative(),
  urls: z.array(z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  platform: z
    .looseObject({ architecture: z.string(), os: z.string(), variant: z.string().optional() })
    .optional(),
});

export const manifestSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  config: descriptor,
  layers: z.array(descriptor),
});

export const indexSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(descriptor),
});

const historySchema = z.looseObject({
  created: z.string().optional(),
  created_by: z.string().optional(),
  author: z.string().optional(),
  comment: z.string().optional(),
  empty_layer: z.boolean().optional(),
});

export const imageConfigSchema = z.looseObject({
  created: z.string().optional(),
  architecture: z.string(),
  os: z.string(),
  variant: z.string().optional(),
  config: z
    .looseObject({
      User: z.string().optional(),
      ExposedPorts: z.record(z.string(), z.object({})).nullish(),
      Env: z.array(z.string()).nullish(),
      Entrypoint: z.array(z.string()).nullish(),
      Cmd: z.array(z.string()).nullish(),
      WorkingDir: z.string().optional(),
      Labels: z.record(z.string(), z.string()).nullish(),
    })
    .optional(),
  rootfs: z.object({ type: z.literal('layers'), diff_ids: z.array(z.string()) }),
  history: z.array(historySchema).optional(),
});

export type ParsedManifest = z.infer<typeof manifestSchema>;
export type ParsedImageConfig = z.infer<typeof imageConfigSchema>;
export type HistoryEntry = z.infer<typeof historySchema>;

/** Parses registry JSON with a schema; a bad answer is the registry's fault (`ExternalError`). */
export function parseRegistryJson<T>(schema: z.ZodType<T>, bytes: Buffer, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new ExternalError(`${what} is not JSON: ${(error as Error).message}`);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ExternalError(`${what} is not valid: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return result.data;
}
