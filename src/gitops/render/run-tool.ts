import { execFile } from 'node:child_process';
import { ConfigError, ExternalError } from '../../core/index.ts';

/** Runs a renderer (`helm`, `kubectl`) and returns its stdout; its own complaint becomes a `ConfigError` naming the source. */
export function runTool(binary: string, args: readonly string[], source: string, env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { maxBuffer: 256 * 1024 * 1024, env: env ?? process.env }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new ExternalError(`${source}: cannot run ${binary}: not found`, { binary }, { cause: error }));
      }
      const detail = stderr.trim() || error.message;
      reject(new ConfigError(`${source}: ${[binary.split('/').pop(), ...args.slice(0, 1)].join(' ')} failed: ${detail}`, { binary, args, stderr }, { cause: error }));
    });
  });
}
