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
export { parseValues, renderService, packageChart, pushChart, chartVersionOf, chartFiles, valuesJsonSchema } from './chart/index.ts';
export type { ServiceValues, KubeObject, RenderOptions, ChartMetadata, PackagedChart, ValuesProblem } from './chart/index.ts';
