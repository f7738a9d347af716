/**
 * OCI image-spec and distribution-spec shapes Trunkline reads and writes,
 * and the registry client contract every artifact producer (image builder,
 * chart packager) pushes through.
 */

export const mediaTypes = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  helmConfig: 'application/vnd.cncf.helm.config.v1+json',
  helmChart: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
} as const;

export interface Descriptor {
  mediaType: string;
  /** `sha256:<hex>` */
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  artifactType?: string;
  platform?: { architecture: string; os: string; variant?: string; 'os.version'?: string };
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** A manifest as fetched: the exact bytes (their digest is the manifest's identity). */
export interface FetchedManifest {
  mediaType: string;
  digest: string;
  bytes: Buffer;
}

/** `registry/repository[:tag][@digest]`, Docker's reference grammar. */
export interface ImageReference {
  /** host[:port]; `docker.io` for Docker Hub short names. */
  registry: string;
  /** e.g. `library/alpine`, `acme/app`. */
  repository: string;
  tag?: string;
  digest?: string;
}

/** Data to upload as a blob: in memory, or a file streamed from disk (large layers). */
export type BlobSource = { bytes: Buffer } | { path: string; digest: string; size: number };

/**
 * A client for one registry (distribution-spec). Every download is
 * verified against its digest; transient failures are retried; auth
 * (basic, or the bearer-token flow from a `WWW-Authenticate` challenge) is
 * handled inside.
 */
export interface RegistryClient {
  readonly registry: string;
  hasBlob(repository: string, digest: string): Promise<boolean>;
  /** The blob's bytes, verified. */
  getBlob(repository: string, digest: string): Promise<Buffer>;
  /** Streams a verified blob to a file (large layers). */
  downloadBlob(repository: string, digest: string, path: string): Promise<void>;
  /** Uploads unless present (monolithic when small, chunked when large); returns its descriptor fields. */
  pushBlob(repository: string, blob: BlobSource, options?: { chunkSize?: number }): Promise<{ digest: string; size: number }>;
  /** Cross-repository mount; false when the registry fell back to an upload session (nothing mounted). */
  mountBlob(repository: string, digest: string, fromRepository: string): Promise<boolean>;
  /** PUT by tag or digest; returns the manifest digest. */
  putManifest(repository: string, reference: string, manifest: Buffer, mediaType: string): Promise<string>;
  getManifest(repository: string, reference: string): Promise<FetchedManifest>;
  /** Undefined when the manifest does not exist. */
  headManifest(repository: string, reference: string): Promise<{ digest: string; mediaType: string; size: number } | undefined>;
  deleteManifest(repository: string, digest: string): Promise<void>;
  listTags(repository: string): Promise<string[]>;
  /** Referrers of a digest (OCI 1.1 API, or the tag-schema fallback). */
  referrers(repository: string, digest: string, artifactType?: string): Promise<Descriptor[]>;
}
