/**
 * The values file a service carries instead of a chart. Written as the
 * input shape (with defaults) so the same schema both validates the file
 * and becomes the chart's `values.schema.json`; cross-field rules live in
 * `superRefine` (Helm checks only the shape, Trunkline checks both).
 */
import { z } from 'zod';

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** IANA service name, as Kubernetes wants for port names. */
const portName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const configKey = /^[-._a-zA-Z0-9]+$/;
const envName = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

const stringMap = z.record(z.string(), z.string());
const scalar = z.union([z.string(), z.number(), z.boolean()]);
const quantity = z.union([z.string().min(1), z.number().nonnegative()]);
const portRef = z.union([z.int().min(1).max(65535), z.string().regex(portName).max(15)]);

const port = z.strictObject({
  name: z.string().regex(portName, 'a lowercase port name (letters, digits, "-")').max(15),
  containerPort: z.int().min(1).max(65535),
  /** Defaults to containerPort. */
  servicePort: z.int().min(1).max(65535).optional(),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
});

const envVar = z.strictObject({
  name: z.string().regex(envName, 'an environment variable name'),
  value: scalar,
});

const envSource = z.union([
  z.strictObject({ secret: z.string().regex(dnsLabel).max(253) }),
  z.strictObject({ configMap: z.string().regex(dnsLabel).max(253) }),
]);

const resourceSet = z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() });

const probe = z.strictObject({
  http: z.strictObject({ path: z.string().startsWith('/'), port: portRef }).optional(),
  tcp: z.strictObject({ port: portRef }).optional(),
  exec: z.array(z.string()).min(1).optional(),
  initialDelaySeconds: z.int().min(0).optional(),
  periodSeconds: z.int().min(1).optional(),
  timeoutSeconds: z.int().min(1).optional(),
  successThreshold: z.int().min(1).optional(),
  failureThreshold: z.int().min(1).optional(),
});

const ingressPath = z.strictObject({
  path: z.string().startsWith('/'),
  pathType: z.enum(['Prefix', 'Exact', 'ImplementationSpecific']).optional(),
  /** Name of one of `ports`; defaults to the first. */
  port: z.string().regex(portName).optional(),
});

const toleration = z.strictObject({
  key: z.string().optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
  tolerationSeconds: z.int().optional(),
});

export const valuesShape = z.strictObject({
  image: z.strictObject({
    repository: z.string().min(1),
    /** Defaults to the chart's appVersion (the build's image tag). */
    tag: z.string().min(1).max(128).optional(),
    pullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).default('IfNotPresent'),
  }),
  replicas: z.int().min(0).default(1),
  ports: z.array(port).default([{ name: 'http', containerPort: 8080 }]),
  env: z.union([z.array(envVar), z.record(z.string().regex(envName, 'an environment variable name'), scalar)]).default([]),
  envFrom: z.array(envSource).default([]),
  config: z
    .strictObject({
      mountPath: z.string().startsWith('/').default('/etc/config'),
      files: z.record(z.string().regex(configKey, 'a file name (letters, digits, "-", "_", ".")'), z.string()).default({}),
    })
    .default({ mountPath: '/etc/config', files: {} }),
  resources: z.strictObject({ requests: resourceSet.optional(), limits: resourceSet.optional() }).default({}),
  probes: z.strictObject({ liveness: probe.optional(), readiness: probe.optional(), startup: probe.optional() }).default({}),
  ingress: z
    .strictObject({
      enabled: z.boolean().default(false),
      className: z.string().optional(),
      host: z.string().optional(),
      paths: z.array(ingressPath).default([{ path: '/' }]),
      tlsSecret: z.string().regex(dnsLabel).optional(),
      annotations: stringMap.default({}),
    })
    .default({ enabled: false, paths: [{ path: '/' }], annotations: {} }),
  autoscaling: z
    .strictObject({
      enabled: z.boolean().default(false),
      minReplicas: z.int().min(1).default(1),
      maxReplicas: z.int().min(1).default(3),
      targetCPUUtilizationPercentage: z.int().min(1).max(1000).default(80),
    })
    .default({ enabled: false, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 80 }),
  serviceAccount: z
    .strictObject({
      create: z.boolean().default(false),
      /** Defaults to the release's full name when created, else `default`. */
      name: z.string().regex(dnsLabel).optional(),
      annotations: stringMap.default({}),
    })
    .default({ create: false, annotations: {} }),
  podAnnotations: stringMap.default({}),
  nodeSelector: stringMap.default({}),
  tolerations: z.array(toleration).default([]),
});

/** The shape plus the rules between fields. */
export const valuesSchema = valuesShape.superRefine((v, ctx) => {
  const names = new Set<string>();
  v.ports.forEach((p, i) => {
    if (names.has(p.name)) ctx.addIssue({ code: 'custom', path: ['ports', i, 'name'], message: `expected a unique port name ("${p.name}" is used twice)` });
    names.add(p.name);
  });
  if (Array.isArray(v.env)) {
    const seen = new Set<string>();
    v.env.forEach((e, i) => {
      if (seen.has(e.name)) ctx.addIssue({ code: 'custom', path: ['env', i, 'name'], message: `expected a unique variable name ("${e.name}" is set twice)` });
      seen.add(e.name);
    });
  }
  for (const kind of ['liveness', 'readiness', 'startup'] as const) {
    const p = v.probes[kind];
    if (p && [p.http, p.tcp, p.exec].filter((x) => x !== undefined).length !== 1) {
      ctx.addIssue({ code: 'custom', path: ['probes', kind], message: 'expected exactly one of http, tcp or exec' });
    }
  }
  if (v.ingress.enabled) {
    if (!v.ingress.host) ctx.addIssue({ code: 'custom', path: ['ingress', 'host'], message: 'expected a host name when the ingress is enabled' });
    if (v.ports.length === 0) ctx.addIssue({ code: 'custom', path: ['ingress', 'enabled'], message: 'expected at least one port to route to' });
    if (v.ingress.paths.length === 0) ctx.addIssue({ code: 'custom', path: ['ingress', 'paths'], message: 'expected at least one path' });
    v.ingress.paths.forEach((p, i) => {
      if (p.port !== undefined && !names.has(p.port)) {
        ctx.addIssue({ code: 'custom', path: ['ingress', 'paths', i, 'port'], message: `expected one of the port names (${[...names].join(', ') || 'none'})` });
      }
    });
  }
  if (v.autoscaling.enabled && v.autoscaling.minReplicas > v.autoscaling.maxReplicas) {
    ctx.addIssue({ code: 'custom', path: ['autoscaling', 'minReplicas'], message: 'expected at most maxReplicas' });
  }
});

/** The values as validated, defaults applied (env may still be a map). */
export type ParsedValues = z.output<typeof valuesShape>;
