import picomatch from 'picomatch';
import type { Rule } from './rules.ts';

/** Picks the first rule matching a repository slug and branch. */
export type RuleMatcher = (slug: string, branch: string) => Rule | undefined;

/** Compiles the globs of `rules` once; the matcher is then pure and cheap. */
export function compileRules(rules: readonly Rule[]): RuleMatcher {
  const compiled = rules.map((rule) => ({
    rule,
    repo: picomatch(rule.repos, { dot: true, nocase: true }),
    branch: rule.branches ? picomatch(rule.branches, { dot: true }) : undefined,
  }));
  return (slug, branch) =>
    compiled.find((c) => c.repo(slug) && (c.branch === undefined || (branch !== '' && c.branch(branch))))?.rule;
}
