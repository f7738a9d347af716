import { execFile } from 'node:child_process';
import { ExternalError } from '../core/index.ts';

export interface GitOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Exit codes that are answers rather than failures (e.g. 1 for "not found"). */
  okCodes?: number[];
  maxBuffer?: number;
}

export interface GitOutput {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * Runs the `git` CLI. Git never prompts (no terminal), never reads the
 * user's global config for credentials helpers, and a failure becomes an
 * `ExternalError` carrying git's own message.
 */
export function git(args: string[], options: GitOptions = {}): Promise<GitOutput> {
  const okCodes = options.okCodes ?? [];
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd: options.cwd,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true', LC_ALL: 'C', ...options.env },
        maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        if (code === 0 || okCodes.includes(code)) {
          resolve({ stdout, stderr, code });
          return;
        }
        const command = args.find((arg, i) => !arg.startsWith('-') && args[i - 1] !== '-c') ?? '';
        reject(
          new ExternalError(`git ${command} failed: ${stderr.trim() || `exit ${code}`}`, {
            args: args.map((arg) => (/authorization/i.test(arg) ? '[credentials hidden]' : arg)),
            code,
          }),
        );
      },
    );
  });
}
