/**
 * The provisioner hook: a command that creates or deletes what a preview runs
 * on (a cluster per branch, a vcluster, a cloud API). Contract in
 * PROVISIONER.md: inputs as `TRUNKLINE_PREVIEW_*` environment variables, a
 * JSON object on stdout, a non-zero exit is a failure with its stderr tail.
 */
import { spawn } from 'node:child_process';
import { z } from 'zod';
import { ExternalError } from '../../core/index.ts';

export type ProvisionerAction = 'create' | 'delete';

export interface ProvisionerInput {
  action: ProvisionerAction;
  name: string;
  branch: string;
  repo: string;
  service: string;
  namespace: string;
  commit: string;
  environment: string;
}

export const provisionerOutputSchema = z.object({
  /** Kubeconfig of where the preview runs; registered as cluster `preview-<branch>`. Absent: the environment's cluster. */
  kubeconfig: z.string().min(1).optional(),
  /** The preview's URL (instead of the ingress host pattern's). */
  url: z.url().optional(),
  /** The namespace to deploy into, when the provisioner chose another. */
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'expected a DNS label').optional(),
});
export type ProvisionerOutput = z.output<typeof provisionerOutputSchema>;

const tailBytes = 2000;

/** Runs the command; resolves with its parsed output, rejects with an `ExternalError` saying why. */
export function runProvisioner(command: string, input: ProvisionerInput, options: { timeoutMs: number; cwd?: string }): Promise<ProvisionerOutput> {
  const env = {
    ...process.env,
    TRUNKLINE_PREVIEW_ACTION: input.action,
    TRUNKLINE_PREVIEW_NAME: input.name,
    TRUNKLINE_PREVIEW_BRANCH: input.branch,
    TRUNKLINE_PREVIEW_REPO: input.repo,
    TRUNKLINE_PREVIEW_SERVICE: input.service,
    TRUNKLINE_PREVIEW_NAMESPACE: input.namespace,
    TRUNKLINE_PREVIEW_COMMIT: input.commit,
    TRUNKLINE_PREVIEW_ENVIRONMENT: input.environment,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(command, [], { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-tailBytes)));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new ExternalError(`provisioner ${command} could not start: ${error.message}`, { command }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const details = { command, action: input.action, code, stderr: stderr.trim() };
      if (timedOut) return reject(new ExternalError(`provisioner ${input.action} timed out after ${options.timeoutMs} ms: ${stderr.trim()}`, details));
      if (code !== 0) return reject(new ExternalError(`provisioner ${input.action} failed (${code ?? signal}): ${stderr.trim() || 'no output on stderr'}`, details));
      try {
        resolve(parseProvisionerOutput(stdout, input.action));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** Stdout as the contract's JSON object; empty output is `{}` (allowed for `delete`). */
export function parseProvisionerOutput(stdout: string, action: ProvisionerAction): ProvisionerOutput {
  const text = stdout.trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ExternalError(`provisioner ${action} printed no JSON object on stdout: ${text.slice(0, 200)}`);
  }
  const parsed = provisionerOutputSchema.safeParse(value);
  if (!parsed.success) {
    throw new ExternalError(`provisioner ${action} output: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
