/**
 * Runs an installed scanner against an image reference and reads its JSON
 * report. The scanner reaches the registry itself (with its own
 * credentials and database); Trunkline only reads what it prints.
 */
import { spawn } from 'node:child_process';
import { ConfigError, ExternalError, isTrunklineError, messageOf } from '../../core/index.ts';
import { parseGrypeReport } from './grype.ts';
import type { ScanReport, ScannerName } from './report.ts';
import { parseTrivyReport } from './trivy.ts';

export const scannerNames = ['trivy', 'grype'] as const satisfies readonly ScannerName[];

export interface RunScannerOptions {
  /** Environment of the scanner (default: this process's); its PATH is where the scanner is looked up. */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export interface ScannerRun {
  report: ScanReport;
  /** The report exactly as printed, e.g. to keep it or to record its digest. */
  output: string;
}

/** How much of the scanner's stderr an error carries (its end, where the reason usually is). */
const stderrTail = 4000;

const argumentsFor: Record<ScannerName, (image: string) => string[]> = {
  trivy: (image) => ['image', '--format', 'json', '--quiet', image],
  grype: (image) => [image, '-o', 'json'],
};

const parserFor: Record<ScannerName, (text: string, file: string) => ScanReport> = {
  trivy: parseTrivyReport,
  grype: parseGrypeReport,
};

/**
 * `ConfigError` when the scanner is not installed or the reference is not
 * usable; `ExternalError` when it fails without a report, or prints one
 * that cannot be read. A non-zero exit with a readable report (e.g. Grype's
 * `--fail-on` configured in its own config file) still yields the report:
 * the policy decides, not the scanner's exit code.
 */
export async function runScanner(command: ScannerName, image: string, options: RunScannerOptions = {}): Promise<ScannerRun> {
  if (!scannerNames.includes(command)) {
    throw new ConfigError(`unknown scanner "${String(command)}": expected one of ${scannerNames.join(', ')}`);
  }
  if (image.trim() === '' || image.startsWith('-') || /\s/.test(image)) {
    throw new ConfigError(`not an image reference: ${JSON.stringify(image)}`);
  }
  const env = options.env ?? process.env;
  const path = await locate(command, env, options.signal);
  if (!path) {
    throw new ConfigError(`scanner "${command}" is not installed (not found on PATH): install it or configure another scanner`, {
      scanner: command,
    });
  }
  const args = argumentsFor[command](image);
  const run = await execute(path, args, env, options.signal);
  const label = `${command} ${args.join(' ')}`;
  if (run.stdout.trim() === '') {
    throw new ExternalError(`${label} ${exitText(run)} without a report${stderrText(run.stderr)}`, {
      scanner: command,
      exitCode: run.code,
      stderr: tail(run.stderr),
    });
  }
  try {
    return { report: parserFor[command](run.stdout, `output of ${command}`), output: run.stdout };
  } catch (error) {
    if (!isTrunklineError(error)) throw error;
    throw new ExternalError(
      `${label} ${exitText(run)} with an unreadable report: ${messageOf(error)}${stderrText(run.stderr)}`,
      { scanner: command, exitCode: run.code, stderr: tail(run.stderr) },
      { cause: error },
    );
  }
}

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `command -v` in a POSIX shell: the path a shell would run, or undefined. */
async function locate(command: string, env: NodeJS.ProcessEnv, signal: AbortSignal | undefined): Promise<string | undefined> {
  const run = await execute('/bin/sh', ['-c', 'command -v "$1"', 'sh', command], env, signal);
  const found = run.stdout.trim();
  return run.code === 0 && found.startsWith('/') ? found : undefined;
}

function execute(file: string, args: string[], env: NodeJS.ProcessEnv, signal: AbortSignal | undefined): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, signal, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      // A cancelled scan is the caller's decision, not the scanner's failure.
      if (error.name === 'AbortError') return reject(error);
      reject(new ExternalError(`cannot run ${file}: ${error.message}`, { file }, { cause: error }));
    });
    child.on('close', (code, killedBy) => {
      resolve({
        code,
        signal: killedBy,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}

function exitText(run: Finished): string {
  if (run.signal) return `was killed by ${run.signal}`;
  return run.code === 0 ? 'exited with code 0' : `failed with exit code ${run.code}`;
}

function stderrText(stderr: string): string {
  const text = tail(stderr).trim();
  return text ? `: ${text}` : '';
}

function tail(text: string): string {
  return text.length > stderrTail ? `…${text.slice(-stderrTail)}` : text;
}
