export { EnvironmentCatalog } from './catalog.ts';
export type { CatalogSnapshot, ConfigFileSource } from './catalog.ts';
export { gitFileSource } from './git-source.ts';
