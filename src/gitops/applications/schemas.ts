/** Input schemas of the applications API (parsed at the HTTP boundary, again by the service). */
import { z } from 'zod';

const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'expected a DNS label: lower-case letters, digits and "-", at most 63');
const path = z
  .string()
  .refine((p) => !p.split('/').some((s) => s === '..'), 'expected a folder inside the repository')
  .refine((p) => !p.startsWith('/'), 'expected a relative folder');

const ignoreRule = z.strictObject({
  group: z.string(),
  kind: z.string().min(1),
  name: z.string().optional(),
  namespace: z.string().optional(),
  jsonPointers: z.array(z.string()).optional(),
  jqPathExpressions: z.array(z.string()).optional(),
});

const syncPolicy = z.strictObject({ automated: z.boolean().optional(), prune: z.boolean().optional(), selfHeal: z.boolean().optional(), force: z.boolean().optional() });

export const clusterInputSchema = z
  .strictObject({
    name: dnsLabel,
    kubeconfig: z.string().min(1, 'expected kubeconfig YAML').optional(),
    inCluster: z.boolean().optional(),
  })
  .refine((c) => (c.kubeconfig !== undefined) !== (c.inCluster === true), 'expected exactly one of kubeconfig and inCluster: true');

export const clusterPatchSchema = z
  .strictObject({ kubeconfig: z.string().min(1).optional(), inCluster: z.literal(true).optional() })
  .refine((c) => !(c.kubeconfig !== undefined && c.inCluster), 'expected kubeconfig or inCluster, not both');

export const applicationInputSchema = z.strictObject({
  name: dnsLabel,
  source: z.strictObject({
    /** Clone URL, local path, or a built-in repository's `namespace/name`. */
    repoUrl: z.string().min(1),
    path: path.default(''),
    revision: z.string().min(1).default('main'),
  }),
  destination: z.strictObject({ cluster: dnsLabel, namespace: dnsLabel }),
  syncPolicy: syncPolicy.optional(),
  environment: z.string().min(1).optional(),
  service: z.string().min(1).optional(),
  ignoreDifferences: z.array(ignoreRule).optional(),
});

export const applicationPatchSchema = z.strictObject({
  source: z.strictObject({ repoUrl: z.string().min(1).optional(), path: path.optional(), revision: z.string().min(1).optional() }).optional(),
  destination: z.strictObject({ cluster: dnsLabel.optional(), namespace: dnsLabel.optional() }).optional(),
  syncPolicy: syncPolicy.optional(),
  environment: z.string().min(1).nullable().optional(),
  service: z.string().min(1).nullable().optional(),
  ignoreDifferences: z.array(ignoreRule).optional(),
});

export const syncRequestSchema = z.strictObject({
  dryRun: z.boolean().optional(),
  prune: z.boolean().optional(),
  force: z.boolean().optional(),
  revision: z.string().min(1).optional(),
});

export const rollbackSchema = z.strictObject({ revision: z.string().min(1) });

export type ClusterInputBody = z.output<typeof clusterInputSchema>;
export type ClusterPatchBody = z.output<typeof clusterPatchSchema>;
export type ApplicationInputBody = z.input<typeof applicationInputSchema>;
export type ApplicationPatchBody = z.output<typeof applicationPatchSchema>;
export type SyncRequestBody = z.output<typeof syncRequestSchema>;
