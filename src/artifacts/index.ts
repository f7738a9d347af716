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
export type { ServiceValues, KubeObject, RenderOptions, ChartMetadata, PackagedChart } from './chart/index.ts';
export { buildLayer, buildImage, parseDockerfile, planDockerfile, buildFromDockerfile, findContainerBuilder } from './image/index.ts';
export type {
  LayerEntry,
  BuiltLayer,
  ImageSpec,
  ImageBuildContext,
  PushedImage,
  ContainerSettings,
  DockerfileBuildOptions,
  DockerfileBuildResult,
} from './image/index.ts';
export {
  parseTrivyReport,
  parseGrypeReport,
  parseScanReport,
  parsePolicy,
  evaluatePolicy,
  runScanner,
  severities,
  severityRank,
  failOnLevels,
  scannerNames,
} from './scan/index.ts';
export type {
  Finding,
  Severity,
  SeverityCounts,
  ScanReport,
  ScannerName,
  Policy,
  Allowance,
  FailOn,
  Verdict,
  AllowedFinding,
  ExpiredAllowance,
  RunScannerOptions,
  ScannerRun,
} from './scan/index.ts';
export { createRegistryClient, parseReference, formatReference, digestOf } from './oci/client/index.ts';
export type { RegistryClientOptions, Credentials } from './oci/client/index.ts';
export { Registry, RegistryError, isRegistryError, isRepositoryName } from './registry/index.ts';
export type { RegistryOptions, StoredManifest, BlobRead, Page, RegistryErrorCode, UploadStatus, ChunkRange, GcReport } from './registry/index.ts';
