export { parseValues } from './parse-values.ts';

export { normalizeValues } from './service-values.ts';
export type { ServiceValues, ServicePort, IngressPath } from './service-values.ts';
export { valuesSchema } from './values-schema.ts';
export type { ParsedValues } from './values-schema.ts';
export { renderService } from './render.ts';
export type { RenderOptions, KubeObject } from './render.ts';
export { valuesJsonSchema } from './json-schema.ts';
export { chartFiles, chartMetadata, chartVersionOf } from './chart-files.ts';
export type { ChartFile, ChartMetadata } from './chart-files.ts';
export { packageChart } from './package.ts';
export type { PackageOptions, PackagedChart } from './package.ts';
export { pushChart } from './push.ts';
export type { PushOptions } from './push.ts';
