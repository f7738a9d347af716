import { readFile } from 'node:fs/promises';
import { formatDiagnostic, lintPipelineFile } from '../../pipeline/index.ts';

/** `trunkline lint`: prints diagnostics; exit 1 when any is an error. */
export async function lintCommand(file: string, options: { format: 'text' | 'json' }): Promise<number> {
  const text = await readFile(file, 'utf8');
  const diagnostics = lintPipelineFile(text, file);
  if (options.format === 'json') {
    process.stdout.write(`${JSON.stringify(diagnostics, null, 2)}\n`);
  } else if (diagnostics.length === 0) {
    process.stdout.write(`${file}: no problems\n`);
  } else {
    for (const diagnostic of diagnostics) process.stdout.write(`${formatDiagnostic(diagnostic)}\n`);
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    process.stdout.write(`${errors} error(s), ${diagnostics.length - errors} warning(s)\n`);
  }
  return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}
