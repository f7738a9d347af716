/**
 * Values in their one canonical form: every default applied, env as a
 * list sorted like Helm ranges over a map, per-item defaults filled in.
 * This is what `renderService` reads and what the chart's values.yaml holds.
 */
import type { ParsedValues } from './values-schema.ts';

export interface ServicePort {
  name: string;
  containerPort: number;
  servicePort: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
}

export interface IngressPath {
  path: string;
  pathType: 'Prefix' | 'Exact' | 'ImplementationSpecific';
  port: string;
}

export type ServiceValues = Omit<ParsedValues, 'ports' | 'env' | 'ingress'> & {
  ports: ServicePort[];
  env: { name: string; value: string }[];
  ingress: Omit<ParsedValues['ingress'], 'paths'> & { paths: IngressPath[] };
};

export function normalizeValues(values: ParsedValues): ServiceValues {
  const ports = values.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, servicePort: p.servicePort ?? p.containerPort, protocol: p.protocol ?? 'TCP' }));
  const env = Array.isArray(values.env)
    ? values.env.map((e) => ({ name: e.name, value: String(e.value) }))
    : Object.keys(values.env)
        .sort()
        .map((name) => ({ name, value: String((values.env as Record<string, unknown>)[name]) }));
  const firstPort = ports[0]?.name ?? 'http';
  const paths = values.ingress.paths.map((p) => ({ path: p.path, pathType: p.pathType ?? 'Prefix', port: p.port ?? firstPort }));
  return { ...values, ports, env, ingress: { ...values.ingress, paths } };
}
