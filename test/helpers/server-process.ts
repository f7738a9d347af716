import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;

/** `trunkline server` as a real child process on a free port, for crash tests. */
export class ServerProcess {
  readonly child: ChildProcess;
  readonly url: Promise<string>;
  private output = '';

  constructor(dataDir: string, env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [join(root, 'bin/trunkline.js'), 'server'], {
      env: { ...process.env, TRUNKLINE_DATA_DIR: dataDir, TRUNKLINE_PORT: '0', TRUNKLINE_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.url = new Promise((resolve, reject) => {
      let stdout = '';
      this.child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /^Trunkline (http\S+)$/m.exec(stdout);
        if (match) resolve(match[1]!);
      });
      this.child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${this.output}`)));
    });
  }

  static token(dataDir: string): string {
    return readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
  }

  /** SIGKILL: no shutdown code runs, as in a crash or an OOM kill. */
  kill(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }
}
