import { z } from 'zod';
import { mediaTypes, type Descriptor } from '../oci/types.ts';
import { RegistryError } from './errors.ts';

/** Manifest media types the registry stores. */
export const manifestMediaTypes: readonly string[] = [mediaTypes.ociManifest, mediaTypes.ociIndex, mediaTypes.dockerManifest, mediaTypes.dockerManifestList];
const indexMediaTypes: readonly string[] = [mediaTypes.ociIndex, mediaTypes.dockerManifestList];

const descriptor = z.object({
  mediaType: z.string().min(1),
  digest: z.string().regex(/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, 'a digest such as sha256:<hex>'),
  size: z.number().int().nonnegative(),
  urls: z.array(z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  artifactType: z.string().optional(),
  platform: z.object({ architecture: z.string(), os: z.string(), variant: z.string().optional(), 'os.version': z.string().optional() }).optional(),
});

const common = {
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  subject: descriptor.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
};
const imageManifest = z.object({ ...common, config: descriptor, layers: z.array(descriptor) });
const imageIndex = z.object({ ...common, manifests: z.array(descriptor) });

/** What a stored manifest refers to, read from its JSON. */
export interface ParsedManifest {
  mediaType: string;
  kind: 'manifest' | 'index';
  /** Config and layers (image manifests). */
  blobs: Descriptor[];
  /** Child manifests (indexes). */
  manifests: Descriptor[];
  subject?: Descriptor;
  artifactType?: string;
  configMediaType?: string;
  annotations?: Record<string, string>;
}

/** The media type without parameters (`; charset=...`). */
export function bareMediaType(contentType: string | undefined): string | undefined {
  const bare = contentType?.split(';')[0]?.trim().toLowerCase();
  return bare || undefined;
}

/**
 * Parses and checks a manifest as pushed: JSON, schemaVersion 2, a known
 * media type consistent with `Content-Type`, well-formed descriptors.
 * Whether the referenced content exists is the caller's check.
 */
export function parseManifest(bytes: Buffer, contentType?: string): ParsedManifest {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new RegistryError('MANIFEST_INVALID', `manifest is not JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new RegistryError('MANIFEST_INVALID', 'manifest is not a JSON object');
  const declared = (json as { mediaType?: unknown }).mediaType;
  const header = bareMediaType(contentType);
  if (declared !== undefined && typeof declared !== 'string') throw new RegistryError('MANIFEST_INVALID', 'manifest mediaType is not a string');
  if (declared && header && manifestMediaTypes.includes(header) && declared !== header) {
    throw new RegistryError('MANIFEST_INVALID', `manifest mediaType ${declared} does not match Content-Type ${header}`);
  }
  const mediaType = declared || (header && manifestMediaTypes.includes(header) ? header : inferMediaType(json));
  if (!manifestMediaTypes.includes(mediaType)) {
    throw new RegistryError('MANIFEST_INVALID', `unsupported manifest media type ${mediaType}; expected one of ${manifestMediaTypes.join(', ')}`);
  }
  const isIndex = indexMediaTypes.includes(mediaType);
  const parsed = (isIndex ? imageIndex : imageManifest).safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(root)', message: issue.message }));
    throw new RegistryError('MANIFEST_INVALID', `invalid ${mediaType}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, { detail: issues });
  }
  const value = parsed.data;
  const result: ParsedManifest = {
    mediaType,
    kind: isIndex ? 'index' : 'manifest',
    blobs: 'config' in value ? [value.config, ...value.layers] : [],
    manifests: 'manifests' in value ? value.manifests : [],
  };
  if (value.subject) result.subject = value.subject;
  if (value.artifactType) result.artifactType = value.artifactType;
  if ('config' in value) result.configMediaType = value.config.mediaType;
  if (value.annotations) result.annotations = value.annotations;
  return result;
}

function inferMediaType(json: object): string {
  if ('manifests' in json) return mediaTypes.ociIndex;
  if ('config' in json) return mediaTypes.ociManifest;
  throw new RegistryError('MANIFEST_INVALID', 'manifest has no mediaType and is neither an image manifest nor an index');
}

/** The descriptor of a referrer, as the referrers API lists it. */
export function referrerDescriptor(parsed: ParsedManifest, digest: string, size: number): Descriptor {
  const result: Descriptor = { mediaType: parsed.mediaType, digest, size };
  const artifactType = parsed.artifactType ?? (parsed.kind === 'manifest' ? parsed.configMediaType : undefined);
  if (artifactType) result.artifactType = artifactType;
  if (parsed.annotations) result.annotations = parsed.annotations;
  return result;
}
