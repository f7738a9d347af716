import { ConfigError } from '../../core/index.ts';

/**
 * The kubernetes backend's configuration from `TRUNKLINE_KUBERNETES_*`
 * variables, for the server's own worker and `trunkline runner` agents;
 * undefined when none is set (the backend is then not offered).
 * `TRUNKLINE_KUBERNETES=on` enables it with every default.
 */
export function kubernetesConfigFromEnv(env: Readonly<Record<string, string | undefined>>): Record<string, unknown> | undefined {
  const get = (name: string) => {
    const value = env[`TRUNKLINE_KUBERNETES_${name}`];
    return value === undefined || value === '' ? undefined : value;
  };
  const names = ['KUBECONFIG', 'CONTEXT', 'NAMESPACE', 'SERVICE_ACCOUNT', 'NODE_SELECTOR', 'PLACEHOLDER_IMAGE', 'CLONE_IMAGE', 'STOP_GRACE_SECONDS'];
  const switched = env.TRUNKLINE_KUBERNETES;
  if (switched === 'off' || (switched !== 'on' && names.every((name) => get(name) === undefined))) return undefined;
  const config: Record<string, unknown> = {};
  const copy = (name: string, key: string) => {
    const value = get(name);
    if (value !== undefined) config[key] = value;
  };
  copy('KUBECONFIG', 'kubeconfig');
  copy('CONTEXT', 'context');
  copy('NAMESPACE', 'namespace');
  copy('SERVICE_ACCOUNT', 'serviceAccount');
  copy('PLACEHOLDER_IMAGE', 'placeholderImage');
  copy('CLONE_IMAGE', 'cloneImage');
  const selector = get('NODE_SELECTOR');
  if (selector !== undefined) config.nodeSelector = parsePairs(selector, 'TRUNKLINE_KUBERNETES_NODE_SELECTOR');
  const grace = get('STOP_GRACE_SECONDS');
  if (grace !== undefined) {
    if (!/^\d+$/.test(grace)) throw new ConfigError(`TRUNKLINE_KUBERNETES_STOP_GRACE_SECONDS: "${grace}" is not a whole number of seconds`);
    config.stopGraceSeconds = Number(grace);
  }
  return config;
}

/** `disktype=ssd,zone=eu` (Drone's `key:value` also accepted). */
function parsePairs(text: string, variable: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([^=:\s]+)\s*[=:]\s*(.*)$/.exec(pair);
    if (!match) throw new ConfigError(`${variable}: "${pair}" is not key=value`);
    out[match[1]!] = match[2]!;
  }
  return out;
}
