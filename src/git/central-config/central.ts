/**
 * Pipelines chosen centrally, like Drone's configuration extension and the
 * community `drone-config` services: a config repository holds a rules file
 * (see `rules.ts`) and shared pipeline files, and rules may also hand a
 * build to a named Drone configuration extension.
 *
 * Every `resolve` first updates the config repository's mirror and reads the
 * rules and the pipeline at the config branch's current commit, so a commit
 * to the config repository applies to the very next event, with no restart;
 * that commit is the result's `revision`.
 *
 * Failure policy: a problem with the central configuration itself (a
 * broken rules file, a rule naming a missing pipeline file, a missing rules
 * file or branch) throws `ConfigError` whose message says where
 * (`trunkline.rules.yaml:4:7: ... [rules[1].branches]`), so the build errors
 * visibly. It never falls back to the repository's own file, which the
 * broken rules might have forbidden. An extension that fails throws
 * `ExternalError`; an unreachable config repository fails as git does
 * (`ExternalError`). `{source: 'none'}` is kept for "this build has no
 * pipeline": no file, or the repository's own file is forbidden.
 *
 * Without a config repository (`mirror` undefined) there is no rules file:
 * every build goes to the one configured extension, as Drone's global
 * `DRONE_YAML_ENDPOINT` does.
 */
import { ConfigError, InternalError, NotFoundError, systemClock } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import { readFileAt, resolveCommit } from '../commits.ts';
import type { Mirror } from '../mirror.ts';
import type { ConfigRequest, ConfigResolution, PipelineConfigSource } from './contract.ts';
import { callExtension } from './extension.ts';
import type { ExtensionOptions } from './extension.ts';
import { compileRules } from './match.ts';
import type { RuleMatcher } from './match.ts';
import { CoalescedUpdate } from './refresh.ts';
import { readRepositoryFile } from './repo-file.ts';
import { defaultRulesFile, parseRules } from './rules.ts';
import type { Rule } from './rules.ts';

export interface CentralConfigOptions {
  /** Mirror of the config repository; undefined when only one extension is used. */
  mirror: Mirror | undefined;
  /** Path of the rules file in the config repository (default `trunkline.rules.yaml`). */
  rulesFile?: string;
  /** Config branch (default the config repository's HEAD branch). */
  branch?: string;
  /** Drone configuration extensions, by the name rules use. */
  extensions?: Record<string, ExtensionOptions>;
  fetch?: typeof fetch;
  clock?: Clock;
}

interface Snapshot {
  revision: string;
  match: RuleMatcher | undefined;
  error: ConfigError | undefined;
}

export class CentralConfig implements PipelineConfigSource {
  private readonly mirror: Mirror | undefined;
  private readonly rulesFile: string;
  private readonly branch: string | undefined;
  private readonly extensions: Record<string, ExtensionOptions>;
  private readonly fetch: typeof fetch;
  private readonly clock: Clock;
  private readonly refresh: CoalescedUpdate | undefined;
  /** The rule every build follows when there is no config repository. */
  private readonly onlyRule: Rule | undefined;
  /** Rules parsed at the last revision seen (parsing is skipped while it does not move). */
  private last: Snapshot | undefined;

  constructor(options: CentralConfigOptions) {
    this.mirror = options.mirror;
    this.rulesFile = options.rulesFile ?? defaultRulesFile;
    this.branch = options.branch;
    this.extensions = { ...options.extensions };
    for (const [name, extension] of Object.entries(this.extensions)) checkExtension(name, extension);
    this.fetch = options.fetch ?? globalThis.fetch;
    this.clock = options.clock ?? systemClock;
    const mirror = this.mirror;
    this.refresh = mirror ? new CoalescedUpdate(() => mirror.update()) : undefined;
    if (!mirror) {
      const names = Object.keys(this.extensions);
      const [only] = names;
      if (names.length !== 1 || only === undefined) {
        throw new ConfigError(
          `central pipeline config without a config repository needs exactly one extension (found ${names.length})`,
        );
      }
      this.onlyRule = {
        name: `extension:${only}`,
        repos: ['**'],
        branches: undefined,
        target: { kind: 'extension', name: only },
        allowRepositoryFile: true,
      };
    }
  }

  async resolve(request: ConfigRequest): Promise<ConfigResolution> {
    if (!this.mirror) {
      if (!this.onlyRule) throw new InternalError('central config has neither a config repository nor an extension');
      return this.apply(this.onlyRule, request, undefined);
    }
    const snapshot = await this.snapshot(this.mirror);
    if (snapshot.error) throw snapshot.error;
    const rule = snapshot.match?.(request.repo.slug, request.build.branch);
    return rule ? this.apply(rule, request, snapshot.revision) : readRepositoryFile(request);
  }

  private async snapshot(mirror: Mirror): Promise<Snapshot> {
    await this.refresh?.run();
    const revision = await this.configCommit(mirror);
    if (this.last?.revision === revision) return this.last;
    const where = `config repository ${displayRemote(mirror.remote)} at ${revision.slice(0, 8)}`;
    const text = await readFileAt(mirror.path, revision, this.rulesFile);
    let snapshot: Snapshot;
    if (text === undefined) {
      snapshot = { revision, match: undefined, error: new ConfigError(`no ${this.rulesFile} in the ${where}`, { revision }) };
    } else {
      try {
        const rules = parseRules(text, this.rulesFile, { extensions: Object.keys(this.extensions), hasRepository: true });
        snapshot = { revision, match: compileRules(rules), error: undefined };
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        const details = { ...(error.details as object), revision };
        snapshot = { revision, match: undefined, error: new ConfigError(`${error.message} (${where})`, details, { cause: error }) };
      }
    }
    this.last = snapshot;
    return snapshot;
  }

  private async configCommit(mirror: Mirror): Promise<string> {
    const rev = this.branch ? `refs/heads/${this.branch}` : 'HEAD';
    try {
      return await resolveCommit(mirror.path, rev);
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new ConfigError(`the config repository ${displayRemote(mirror.remote)} has no ${this.branch ? `branch ${this.branch}` : 'commits on its HEAD branch'}`);
      }
      throw error;
    }
  }

  private async apply(rule: Rule, request: ConfigRequest, revision: string | undefined): Promise<ConfigResolution> {
    const target = rule.target;
    switch (target.kind) {
      case 'pipeline': {
        const text = this.mirror && revision ? await readFileAt(this.mirror.path, revision, target.path) : undefined;
        if (text === undefined || revision === undefined) {
          throw new ConfigError(
            `rule "${rule.name}" of ${this.rulesFile} names pipeline ${target.path}, which is not in the config repository at ${revision?.slice(0, 8) ?? '(none)'}`,
            { rule: rule.name, file: target.path, revision },
          );
        }
        return { source: 'central', file: target.path, text, rule: rule.name, revision };
      }
      case 'extension': {
        const extension = this.extensions[target.name];
        if (!extension) throw new ConfigError(`rule "${rule.name}" names unknown extension "${target.name}"`);
        const answer = await callExtension(target.name, extension, request, { fetch: this.fetch, clock: this.clock });
        if (answer.kind === 'config') {
          return { source: 'extension', file: `extension:${target.name}`, text: answer.text, endpoint: extension.endpoint };
        }
        return this.ownFile(rule, request, `extension "${target.name}" has no pipeline for ${request.repo.slug} and `);
      }
      case 'repository':
      case 'none':
        return this.ownFile(rule, request, '');
    }
  }

  private ownFile(rule: Rule, request: ConfigRequest, prefix: string): Promise<ConfigResolution> | ConfigResolution {
    if (rule.allowRepositoryFile) return readRepositoryFile(request);
    return {
      source: 'none',
      reason: `${prefix}rule "${rule.name}" of the central pipeline config forbids the repository's own ${request.repo.configPath} for ${request.repo.slug}`,
    };
  }
}

function checkExtension(name: string, extension: ExtensionOptions): void {
  let url: URL | undefined;
  try {
    url = new URL(extension.endpoint);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(`extension "${name}": endpoint must be an http(s) URL, got "${extension.endpoint}"`);
  }
  // Drone refuses unsigned extension calls too: the secret is what the extension trusts.
  if (extension.secret === '') throw new ConfigError(`extension "${name}": secret must not be empty`);
}

/** The remote as shown in errors, without credentials a URL may carry. */
function displayRemote(remote: string): string {
  try {
    const url = new URL(remote);
    if (!url.username && !url.password) return remote;
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return remote;
  }
}
