/**
 * Names and labels exactly as the chart's `_helpers.tpl` computes them, so
 * Trunkline's rendering and `helm template` agree object for object.
 */
import { ConfigError } from '../../core/index.ts';

const chartName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A service name usable as chart name and Kubernetes object name. */
export function assertServiceName(name: string): void {
  if (!chartName.test(name) || name.length > 53) {
    throw new ConfigError(`service name "${name}": expected lowercase letters, digits and "-", at most 53 characters`);
  }
}

/** Helm's `trunc 63 | trimSuffix "-"`. */
function trunc63(text: string): string {
  const cut = text.slice(0, 63);
  return cut.endsWith('-') ? cut.slice(0, -1) : cut;
}

export interface ReleaseNames {
  chart: string;
  release: string;
  chartVersion: string;
  appVersion: string;
}

export function fullName(n: ReleaseNames): string {
  return trunc63(n.release.includes(n.chart) ? n.release : `${n.release}-${n.chart}`);
}

export function chartLabel(n: ReleaseNames): string {
  return trunc63(`${n.chart}-${n.chartVersion}`.replaceAll('+', '_'));
}

export function selectorLabels(n: ReleaseNames): Record<string, string> {
  return { 'app.kubernetes.io/name': trunc63(n.chart), 'app.kubernetes.io/instance': n.release };
}

export function commonLabels(n: ReleaseNames): Record<string, string> {
  return {
    'helm.sh/chart': chartLabel(n),
    ...selectorLabels(n),
    ...(n.appVersion ? { 'app.kubernetes.io/version': n.appVersion } : {}),
    'app.kubernetes.io/managed-by': 'Helm',
  };
}
