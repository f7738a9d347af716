import { diffObjects } from '../diff/index.ts';
import type { IgnoreRule } from '../diff/index.ts';

/** Compiles the rules' paths (diff compiles them before comparing): a malformed path is a `ConfigError` naming it. */
export function rulePathsValid(rules: IgnoreRule[]): void {
  diffObjects([], [], { ignore: rules });
}
