import { configmapYaml } from './configmap.ts';
import { deploymentYaml } from './deployment.ts';
import { helpersTpl } from './helpers.ts';
import { hpaYaml } from './hpa.ts';
import { ingressYaml } from './ingress.ts';
import { serviceYaml } from './service.ts';
import { serviceaccountYaml } from './serviceaccount.ts';

/** The chart's `templates/` folder, file name → text. */
export const chartTemplates: Readonly<Record<string, string>> = {
  '_helpers.tpl': helpersTpl,
  'configmap.yaml': configmapYaml,
  'deployment.yaml': deploymentYaml,
  'hpa.yaml': hpaYaml,
  'ingress.yaml': ingressYaml,
  'service.yaml': serviceYaml,
  'serviceaccount.yaml': serviceaccountYaml,
};
