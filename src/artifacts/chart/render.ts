/**
 * The unified service template in TypeScript: the same objects the chart's
 * Helm templates produce for the same values (checked against real `helm`).
 */
import { configChecksum } from './checksum.ts';
import { assertServiceName, commonLabels, fullName, selectorLabels } from './names.ts';
import type { ReleaseNames } from './names.ts';
import type { ServiceValues } from './service-values.ts';

export interface RenderOptions {
  /** Defaults to `default`, as `helm template` without `--namespace`. */
  namespace?: string;
  chartVersion: string;
  /** The image tag this chart ships; the image tag when values leave it out. */
  appVersion: string;
}

export type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } } & Record<string, unknown>;

type Probe = NonNullable<ServiceValues['probes']['liveness']>;

const timings = ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'successThreshold', 'failureThreshold'] as const;

/** Deployment, Service, Ingress, ConfigMap, HorizontalPodAutoscaler, ServiceAccount — those the values ask for. */
export function renderService(name: string, values: ServiceValues, options: RenderOptions): KubeObject[] {
  assertServiceName(name);
  const names: ReleaseNames = { chart: name, release: name, chartVersion: options.chartVersion, appVersion: options.appVersion };
  const full = fullName(names);
  const meta = (objectName: string, annotations?: Record<string, string>) => ({
    name: objectName,
    namespace: options.namespace ?? 'default',
    labels: commonLabels(names),
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
  });
  const hasConfig = Object.keys(values.config.files).length > 0;
  const objects: KubeObject[] = [];

  if (values.serviceAccount.create) {
    objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(values.serviceAccount.name ?? full, values.serviceAccount.annotations) });
  }
  if (hasConfig) {
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(full), data: { ...values.config.files } });
  }
  if (values.ports.length > 0) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(full),
      spec: {
        type: 'ClusterIP',
        selector: selectorLabels(names),
        ports: values.ports.map((p) => ({ name: p.name, port: p.servicePort, targetPort: p.name, protocol: p.protocol })),
      },
    });
  }
  objects.push(deployment(name, full, values, options, names, meta(full)));
  if (values.ingress.enabled) objects.push(ingress(full, values, meta(full, values.ingress.annotations)));
  if (values.autoscaling.enabled) {
    objects.push({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta(full),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: full },
        minReplicas: values.autoscaling.minReplicas,
        maxReplicas: values.autoscaling.maxReplicas,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: values.autoscaling.targetCPUUtilizationPercentage } } }],
      },
    });
  }
  return objects;
}

function deployment(name: string, full: string, values: ServiceValues, options: RenderOptions, names: ReleaseNames, metadata: KubeObject['metadata']): KubeObject {
  const hasConfig = Object.keys(values.config.files).length > 0;
  const podAnnotations = { ...values.podAnnotations, ...(hasConfig ? { 'checksum/config': configChecksum(values.config.files) } : {}) };
  const resources = values.resources;
  const container: Record<string, unknown> = {
    name,
    image: `${values.image.repository}:${values.image.tag ?? options.appVersion}`,
    imagePullPolicy: values.image.pullPolicy,
    ...(values.ports.length > 0 ? { ports: values.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol })) } : {}),
    ...(values.env.length > 0 ? { env: values.env.map((e) => ({ name: e.name, value: e.value })) } : {}),
    ...(values.envFrom.length > 0 ? { envFrom: values.envFrom.map((s) => ('secret' in s ? { secretRef: { name: s.secret } } : { configMapRef: { name: s.configMap } })) } : {}),
    ...(Object.keys(resources).length > 0 ? { resources } : {}),
    ...probe('livenessProbe', values.probes.liveness),
    ...probe('readinessProbe', values.probes.readiness),
    ...probe('startupProbe', values.probes.startup),
    ...(hasConfig ? { volumeMounts: [{ name: 'config', mountPath: values.config.mountPath, readOnly: true }] } : {}),
  };
  const serviceAccountName = values.serviceAccount.create ? (values.serviceAccount.name ?? full) : (values.serviceAccount.name ?? 'default');
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      ...(values.autoscaling.enabled ? {} : { replicas: values.replicas }),
      selector: { matchLabels: selectorLabels(names) },
      template: {
        metadata: { labels: commonLabels(names), ...(Object.keys(podAnnotations).length > 0 ? { annotations: podAnnotations } : {}) },
        spec: {
          serviceAccountName,
          containers: [container],
          ...(hasConfig ? { volumes: [{ name: 'config', configMap: { name: full } }] } : {}),
          ...(Object.keys(values.nodeSelector).length > 0 ? { nodeSelector: values.nodeSelector } : {}),
          ...(values.tolerations.length > 0 ? { tolerations: values.tolerations } : {}),
        },
      },
    },
  };
}

function probe(field: string, p: Probe | undefined): Record<string, unknown> {
  if (!p) return {};
  const action = p.http
    ? { httpGet: { path: p.http.path, port: p.http.port } }
    : p.tcp
      ? { tcpSocket: { port: p.tcp.port } }
      : p.exec
        ? { exec: { command: p.exec } }
        : {};
  const spec: Record<string, unknown> = { ...action };
  for (const key of timings) if (p[key] !== undefined) spec[key] = p[key];
  return { [field]: spec };
}

function ingress(full: string, values: ServiceValues, metadata: KubeObject['metadata']): KubeObject {
  const { className, host, tlsSecret, paths } = values.ingress;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata,
    spec: {
      ...(className ? { ingressClassName: className } : {}),
      ...(tlsSecret ? { tls: [{ hosts: [host], secretName: tlsSecret }] } : {}),
      rules: [
        {
          host,
          http: { paths: paths.map((p) => ({ path: p.path, pathType: p.pathType, backend: { service: { name: full, port: { name: p.port } } } })) },
        },
      ],
    },
  };
}
