/**
 * The demo's two repositories: a small service with a full pipeline (tests,
 * image, chart, deploy to test, release to the environments that take trunk
 * builds, previews for feature branches) and the config repository its
 * versions go to, with the four ready-made environments.
 */
import { defaultEnvironmentsYaml } from '../../environments/index.ts';

export const DEMO_SERVICE = { namespace: 'demo', name: 'hello' } as const;
export const DEMO_CONFIG = { namespace: 'platform', name: 'config' } as const;

const pipeline = `# The whole loop for one service. Reference: README.md, "Pipelines" and "Environments".
kind: pipeline
type: exec
name: default

steps:
- name: test
  commands:
  - sh test.sh

- name: image          # <registry>/demo/hello:{build}-{branch}-{sha8}, no daemon needed
  commands:
  - trunkline image build

- name: chart          # the unified service chart, version 0.1.{build}
  commands:
  - trunkline chart package deploy/values.yaml --push

- name: deploy-test    # install or upgrade in the test environment, from the pipeline
  commands:
  - trunkline deploy hello --env test
  when:
    branch: [main]
    event: [push, create]

- name: release        # a config commit for every environment that takes trunk builds
  commands:            # (staging syncs at once; production waits for a release manager)
  - trunkline release hello
  when:
    branch: [main]
    event: [push, create]

- name: preview        # feature-* branches get their own environment
  commands:
  - trunkline release hello
  when:
    branch: [feature-*]
    event: [push, create]
`;

const page = `<!doctype html>
<title>hello</title>
<h1>Hello from Trunkline's demo service</h1>
`;

const test = `#!/bin/sh
# The service's tests: the page must greet.
set -eu
grep -q "Hello from" public/index.html
echo "ok - the page greets"
`;

/**
 * The image holds the page only (FROM scratch builds without a daemon or a
 * network); give it a base such as nginx to serve it in a cluster.
 */
const dockerfile = `FROM scratch
COPY public/ /usr/share/nginx/html/
LABEL org.opencontainers.image.title="hello"
`;

function values(registryHost: string): string {
  return `# The unified chart's values for this service (checked at chart packaging).
image:
  repository: ${registryHost}/${DEMO_SERVICE.namespace}/${DEMO_SERVICE.name}
replicas: 1
ports:
  - name: http
    containerPort: 80
`;
}

export function serviceFiles(registryHost: string): Record<string, string> {
  return {
    '.drone.yml': pipeline,
    Dockerfile: dockerfile,
    'public/index.html': page,
    'test.sh': test,
    'deploy/values.yaml': values(registryHost),
    'README.md': '# hello\n\nTrunkline\'s demo service. Push a `feature-*` branch to get a preview environment.\n',
  };
}

export function configFiles(registryHost: string): Record<string, string> {
  const files: Record<string, string> = {
    'environments.yaml': defaultEnvironmentsYaml,
    'README.md': '# platform/config\n\nWhere versions go: one folder per environment and service. Layout: Trunkline\'s `src/gitops/writeback/LAYOUT.md`.\n',
  };
  for (const env of ['test', 'staging', 'production']) files[`environments/${env}/hello/values.yaml`] = values(registryHost);
  return files;
}
