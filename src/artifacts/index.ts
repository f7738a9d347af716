export { mediaTypes } from './oci/types.ts';
export type {
  Descriptor,
  ImageManifest,
  ImageIndex,
  FetchedManifest,
  ImageReference,
  BlobSource,
  RegistryClient,
} from './oci/types.ts';
