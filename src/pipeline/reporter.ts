/** Collects diagnostics while a file is read, resolving each site to a position. */
import type { Diagnostic, Severity } from './diagnostic.ts';
import type { Problem } from './describe.ts';
import type { Locator } from './locate.ts';
import { isRecord } from './locate.ts';
import type { Site, YamlPath } from './model.ts';
import { knownKeys } from './schema.ts';
import { closest } from './suggest.ts';

export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  private readonly file: string;
  private readonly locator: Locator;

  constructor(file: string, locator: Locator) {
    this.file = file;
    this.locator = locator;
  }

  report(severity: Severity, site: Site, subpath: YamlPath, message: string, options: { key?: boolean } = {}): void {
    const { line, column, field } = this.locator.locate(site, subpath, options);
    this.diagnostics.push({ severity, file: this.file, line, column, field, message });
  }

  error(site: Site, subpath: YamlPath, message: string): void {
    this.report('error', site, subpath, message);
  }

  warning(site: Site, subpath: YamlPath, message: string): void {
    this.report('warning', site, subpath, message);
  }

  /** Schema problems, relative to `subpath`. */
  problems(site: Site, subpath: YamlPath, problems: readonly Problem[]): void {
    for (const p of problems) this.error(site, [...subpath, ...p.path], p.message);
  }

  /** Warns about keys of the mapping at `subpath` that are not in `known`. */
  unknownKeys(site: Site, subpath: YamlPath, value: unknown, known: readonly string[], ignored: readonly string[] = []): void {
    if (!isRecord(value)) return;
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      let message: string;
      if (ignored.includes(key)) {
        message = `"${key}" is not supported and is ignored`;
      } else {
        const suggestion = closest(key, known);
        message = `unknown key "${key}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`;
      }
      this.report('warning', site, [...subpath, key], message, { key: true });
    }
  }

  /** Unknown keys of a `when`/`trigger` mapping and of its `{include, exclude}` conditions. */
  conditionKeys(site: Site, subpath: YamlPath, value: unknown): void {
    this.unknownKeys(site, subpath, value, knownKeys.conditions);
    if (!isRecord(value)) return;
    for (const [key, condition] of Object.entries(value)) {
      if (isRecord(condition)) this.unknownKeys(site, [...subpath, key], condition, ['include', 'exclude']);
    }
  }

  /** Error for a missing key: the field names the key, the position is the mapping that should hold it. */
  missing(site: Site, subpath: YamlPath, key: string, why: string): void {
    this.error(site, [...subpath, key], `missing required key "${key}": ${why}`);
  }
}
