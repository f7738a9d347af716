/**
 * Environments: where versions go and who may say so — the model declared in
 * the config repository's `environments.yaml`, previews per branch,
 * promotion, approvals, sync windows and release records.
 */
export * from './config/index.ts';
export * from './catalog/index.ts';
export * from './previews/index.ts';
