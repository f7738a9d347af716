/**
 * The environments in force: `environments.yaml` at the tip of the config
 * repository's branch, parsed once per commit. A file that stops parsing
 * keeps the last good environments in force and reports its problems, so a
 * typo never makes production vanish; a repository without the file uses
 * the built-in default.
 */
import { ConfigError, type InputProblem, type Logger } from '../../core/index.ts';
import { defaultEnvironments, ENVIRONMENTS_FILE, parseEnvironments } from '../config/index.ts';
import type { Environment } from '../config/index.ts';

/** Reads a file of the config repository at the tip of its branch. */
export interface ConfigFileSource {
  /** `revision` is null while the repository has no commit (or does not exist yet). */
  read(path: string): Promise<{ revision: string | null; text: string | undefined }>;
}

export interface CatalogSnapshot {
  environments: Environment[];
  /** Problems of the file at `revision` (empty when it parsed). */
  problems: InputProblem[];
  /** Config commit the file was read at; null without one. */
  revision: string | null;
  /** True when no `environments.yaml` exists and the built-in default is in force. */
  builtIn: boolean;
}

export class EnvironmentCatalog {
  readonly #source: ConfigFileSource;
  readonly #logger: Logger;
  #snapshot: CatalogSnapshot | undefined;
  #lastGood: Environment[] | undefined;

  constructor(options: { source: ConfigFileSource; logger: Logger }) {
    this.#source = options.source;
    this.#logger = options.logger;
  }

  /** The environments at the branch tip (re-read only when the tip moved). */
  async snapshot(): Promise<CatalogSnapshot> {
    const { revision, text } = await this.#source.read(ENVIRONMENTS_FILE);
    if (this.#snapshot && this.#snapshot.revision === revision) return this.#snapshot;
    this.#snapshot = this.#parse(revision, text);
    return this.#snapshot;
  }

  async list(): Promise<Environment[]> {
    return (await this.snapshot()).environments;
  }

  async find(name: string): Promise<Environment | undefined> {
    return (await this.list()).find((e) => e.name === name);
  }

  #parse(revision: string | null, text: string | undefined): CatalogSnapshot {
    if (text === undefined) {
      this.#lastGood = defaultEnvironments();
      return { environments: this.#lastGood, problems: [], revision, builtIn: true };
    }
    try {
      this.#lastGood = parseEnvironments(text);
      return { environments: this.#lastGood, problems: [], revision, builtIn: false };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const problems = (error.details as { problems?: InputProblem[] } | undefined)?.problems ?? [];
      this.#logger.warn({ revision, problems: problems.length }, 'environments.yaml has problems; the last good environments stay in force');
      return { environments: this.#lastGood ?? [], problems, revision, builtIn: false };
    }
  }
}
