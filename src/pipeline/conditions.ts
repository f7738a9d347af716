/**
 * Drone's conditions (runner-go manifest/cond.go): every key must match;
 * within a key an exclude match wins, then an include match, and no
 * include list matches everything. `status` is not decided here but turns
 * into the run policy. `paths` (Trunkline) matches the changed files.
 */
import type { BuildContext } from './context.ts';
import { globMatch } from './glob.ts';
import type { Condition, Conditions } from './model.ts';
import type { RunPolicy } from './plan.ts';

/** Event names conditions may use: Drone's plus `create`/`delete` (branch created or deleted). */
export const knownEvents = ['push', 'pull_request', 'tag', 'promote', 'rollback', 'cron', 'custom', 'create', 'delete'] as const;

export function matchCondition(condition: Condition, value: string): boolean {
  if (condition.exclude.some((p) => globMatch(p, value))) return false;
  if (condition.include.length === 0) return true;
  return condition.include.some((p) => globMatch(p, value));
}

/**
 * `paths`: with an include list, some changed file must match it without
 * being excluded; with only excludes, some changed file must not be
 * excluded. Unknown changed files (`undefined`) match: skipping work on a
 * guess would be worse than running it.
 */
export function matchPaths(condition: Condition, changedFiles: readonly string[] | undefined): boolean {
  if (changedFiles === undefined) return true;
  if (condition.include.length === 0 && condition.exclude.length === 0) return true;
  return changedFiles.some((file) => matchCondition(condition, file));
}

/** The values a build offers to each condition key. */
export function conditionValues(context: BuildContext): Record<'branch' | 'event' | 'ref' | 'repo' | 'target' | 'action' | 'cron' | 'instance', string> {
  return {
    // For pull requests this is the target branch, as in Drone.
    branch: context.commit.branch,
    event: context.build.event,
    ref: context.commit.ref,
    repo: `${context.repo.namespace}/${context.repo.name}`,
    target: context.build.deployTo ?? '',
    action: context.build.action ?? '',
    cron: context.build.cron ?? '',
    instance: context.system.host,
  };
}

const order = ['event', 'branch', 'ref', 'repo', 'target', 'action', 'cron', 'instance'] as const;

export interface Decision {
  runPolicy: RunPolicy;
  skipReason?: string;
}

/** Decides a step's `when` (prefix `when`) or a pipeline's `trigger` (prefix `trigger`). */
export function decide(conditions: Conditions, context: BuildContext, prefix: 'when' | 'trigger'): Decision {
  const values = conditionValues(context);
  for (const key of order) {
    const condition = conditions[key];
    if (condition && !matchCondition(condition, values[key])) {
      return { runPolicy: 'never', skipReason: `${prefix}.${key}: ${explain(condition, values[key])}` };
    }
  }
  const paths = conditions.paths;
  if (paths && !matchPaths(paths, context.changedFiles)) {
    const reason =
      paths.include.length > 0
        ? `no changed file matches include ${list(paths.include)}${paths.exclude.length > 0 ? ` without matching exclude ${list(paths.exclude)}` : ''}`
        : `every changed file matches exclude ${list(paths.exclude)}`;
    return { runPolicy: 'never', skipReason: `${prefix}.paths: ${reason}` };
  }
  return statusPolicy(conditions.status, prefix);
}

/** `status` → when to run: default on success, `[failure]` on failure, both always. */
export function statusPolicy(status: Condition | undefined, prefix = 'when'): Decision {
  if (!status || (status.include.length === 0 && status.exclude.length === 0)) return { runPolicy: 'on-success' };
  const success = matchCondition(status, 'success');
  const failure = matchCondition(status, 'failure');
  if (success && failure) return { runPolicy: 'always' };
  if (failure) return { runPolicy: 'on-failure' };
  if (success) return { runPolicy: 'on-success' };
  return { runPolicy: 'never', skipReason: `${prefix}.status: matches neither success nor failure` };
}

function explain(condition: Condition, value: string): string {
  const shown = JSON.stringify(value);
  const excluded = condition.exclude.filter((p) => globMatch(p, value));
  if (excluded.length > 0) return `${shown} matches exclude ${list(excluded)}`;
  return `${shown} does not match include ${list(condition.include)}`;
}

const list = (patterns: readonly string[]): string => `[${patterns.join(', ')}]`;
