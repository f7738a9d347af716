export { Registry } from './registry.ts';
export type { RegistryOptions, StoredManifest, BlobRead, Page } from './registry.ts';
export { RegistryError, isRegistryError } from './errors.ts';
export type { RegistryErrorCode } from './errors.ts';
export type { UploadStatus, ChunkRange } from './uploads.ts';
export type { GcReport } from './gc.ts';
export { isRepositoryName } from './names.ts';
