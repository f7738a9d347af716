export { createRegistryClient } from './client.ts';
export type { RegistryClientOptions } from './client.ts';
export type { Credentials } from './auth.ts';
export { parseReference, formatReference } from './reference.ts';
export { manifestAccept } from './manifests.ts';
export { referrersTag } from './referrers.ts';
export { digestOf } from './digest.ts';
