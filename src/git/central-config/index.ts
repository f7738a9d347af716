export type { ConfigRequest, ConfigResolution, PipelineConfigSource } from './contract.ts';
export { repoFileSource } from './repo-file.ts';
export { CentralConfig } from './central.ts';
export type { CentralConfigOptions } from './central.ts';
export type { ExtensionOptions } from './extension.ts';
export { parseRules, defaultRulesFile } from './rules.ts';
export type { Rule, RuleTarget, RulesContext } from './rules.ts';
