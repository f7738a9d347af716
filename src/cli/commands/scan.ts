import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { evaluatePolicy, parsePolicy, parseScanReport, runScanner, type ScannerName } from '../../artifacts/index.ts';
import type { ApiClient } from '../client.ts';

export interface ScanOptions {
  report?: string;
  scanner?: ScannerName;
  image?: string;
  policy?: string;
  digest?: string;
}

/**
 * `trunkline scan`: reads a Trivy or Grype report (or runs the scanner on
 * an image), applies the policy, prints what blocks and records the verdict
 * against the image digest so that deploying a refused image can be
 * refused later. Exit code 1 when the policy fails.
 */
export async function scanCommand(api: ApiClient, options: ScanOptions): Promise<number> {
  let text: string;
  let file: string;
  if (options.report) {
    file = options.report;
    text = await readFile(options.report, 'utf8');
  } else if (options.scanner && options.image) {
    file = `${options.scanner} ${options.image}`;
    text = (await runScanner(options.scanner, options.image)).output;
  } else {
    throw new Error('give a report (--report FILE) or a scanner and an image (--scanner trivy --image REF)');
  }
  const report = parseScanReport(text, file);
  const policyText = options.policy ? await readFile(options.policy, 'utf8') : '';
  const verdict = evaluatePolicy(report.findings, parsePolicy(policyText, options.policy ?? 'default policy'), new Date());
  process.stdout.write(`${verdict.summary}\n`);

  const digest = options.digest ?? (await builtImageDigest(api));
  if (digest) {
    await api.post('/api/verdicts', {
      digest,
      passed: verdict.passed,
      summary: verdict.summary,
      counts: verdict.counts,
      policy: policyText,
      reportDigest: `sha256:${createHash('sha256').update(text).digest('hex')}`,
    });
    process.stdout.write(`verdict recorded for ${digest}\n`);
  } else {
    process.stdout.write('no image digest (--digest, or an image built earlier in this build): the verdict is not recorded\n');
  }
  return verdict.passed ? 0 : 1;
}

/** The image this build pushed last, when running inside a Trunkline pipeline. */
async function builtImageDigest(api: ApiClient): Promise<string | undefined> {
  const { TRUNKLINE_SERVER, DRONE_REPO, DRONE_BUILD_NUMBER } = process.env;
  if (!TRUNKLINE_SERVER || !DRONE_REPO || !DRONE_BUILD_NUMBER) return undefined;
  const artifacts = await api.get<{ kind: string; digest: string }[]>(`/api/repos/${DRONE_REPO}/builds/${DRONE_BUILD_NUMBER}/artifacts`);
  return artifacts.filter((artifact) => artifact.kind === 'image').at(-1)?.digest;
}
