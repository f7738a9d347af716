/**
 * `.drone.yml` text → typed documents plus diagnostics. Never throws on
 * bad input: YAML syntax errors, schema problems and unknown keys all
 * become diagnostics with the position of the node at fault.
 */
import { LineCounter, parseAllDocuments } from 'yaml';
import type { Document } from 'yaml';
import { sortDiagnostics } from './diagnostic.ts';
import { Locator, isRecord } from './locate.ts';
import type { ParsedFile, PipelineDoc, SecretDoc, Site } from './model.ts';
import { readPipeline } from './read-pipeline.ts';
import { readSecret } from './read-secret.ts';
import { Reporter } from './reporter.ts';

/** Bounds alias expansion ("billion laughs"); a real pipeline file needs far fewer. */
const maxAliasCount = 1000;

export function parsePipelineFile(text: string, file: string): ParsedFile {
  const lines = new LineCounter();
  const docs: Document[] = [...parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, merge: true, uniqueKeys: true })];
  const values: unknown[] = [];
  const conversionErrors: (string | undefined)[] = [];
  for (const doc of docs) {
    try {
      values.push(doc.errors.length > 0 ? undefined : doc.toJS({ maxAliasCount }));
      conversionErrors.push(undefined);
    } catch (error) {
      values.push(undefined);
      conversionErrors.push(error instanceof Error ? error.message : String(error));
    }
  }
  const locator = new Locator(docs, values, lines);
  const reporter = new Reporter(file, locator);
  const pipelines: PipelineDoc[] = [];
  const secrets: SecretDoc[] = [];

  docs.forEach((doc, index) => {
    const site: Site = { doc: index, path: [] };
    for (const e of doc.errors) reporter.diagnostics.push(yamlDiagnostic('error', e, file, lines));
    for (const w of doc.warnings) reporter.diagnostics.push(yamlDiagnostic('warning', w, file, lines));
    const conversionError = conversionErrors[index];
    if (conversionError) reporter.error(site, [], conversionError);
    if (doc.errors.length > 0 || conversionError) return;

    const value = values[index];
    if (value === null || value === undefined) return; // an empty document (`---` with nothing after it)
    if (!isRecord(value)) {
      reporter.error(site, [], 'expected a mapping with a kind (pipeline, secret or signature)');
      return;
    }
    switch (value.kind) {
      case 'pipeline': {
        const pipeline = readPipeline(value, index, reporter);
        if (pipeline) pipelines.push(pipeline);
        break;
      }
      case 'secret': {
        const secret = readSecret(value, index, reporter);
        if (secret) secrets.push(secret);
        break;
      }
      case 'signature':
        break;
      case undefined:
        reporter.missing(site, [], 'kind', 'pipeline, secret or signature');
        break;
      default:
        reporter.report('warning', site, ['kind'], `unknown kind ${JSON.stringify(value.kind)}; the document is ignored`);
    }
  });

  return {
    file,
    pipelines,
    secrets,
    diagnostics: sortDiagnostics(reporter.diagnostics),
    locate: (site, subpath, options) => locator.locate(site, subpath, options),
  };
}

function yamlDiagnostic(
  severity: 'error' | 'warning',
  e: { message: string; pos: [number, number] },
  file: string,
  lines: LineCounter,
): ParsedFile['diagnostics'][number] {
  const { line, col } = lines.linePos(e.pos[0]);
  return { severity, file, line, column: col, field: '', message: e.message.split('\n')[0] ?? e.message };
}
