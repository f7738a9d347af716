/**
 * Module boundaries (see docs/architecture.md): imports point downward in the
 * table below, and another module is only reached through its index.ts face.
 */
const allowed = {
  core: [],
  store: ['core'],
  pipeline: ['core'],
  runner: ['core', 'pipeline', 'kube'],
  git: ['core'],
  kube: ['core'],
  gitops: ['core', 'kube', 'git', 'artifacts', 'store'],
  access: ['core', 'store'],
  artifacts: ['core'],
  builds: ['core', 'store', 'pipeline', 'runner', 'git'],
  environments: ['core', 'store', 'git', 'kube', 'gitops', 'access', 'artifacts'],
  notify: ['core'],
  metrics: ['core'],
  audit: ['core', 'store'],
};

const layering = Object.entries(allowed).map(([mod, deps]) => ({
  name: `${mod}-imports-only-${deps.join('-') || 'nothing'}`,
  comment: `src/${mod} may import only: ${deps.join(', ') || 'no other module'}`,
  severity: 'error',
  from: { path: `^src/${mod}/` },
  to: {
    path: '^src/[^/]+/',
    pathNot: [`^src/${mod}/`, ...deps.map((d) => `^src/${d}/`)],
  },
}));

module.exports = {
  forbidden: [
    ...layering,
    {
      name: 'through-the-face',
      comment: 'another module is reached only through its index.ts',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/[^/]+/.+', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'product-not-from-tests',
      comment: 'product code never imports test helpers',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.test\\.ts$' },
      to: { path: '(^test/|\\.test\\.ts$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '^(node_modules|ui/)' },
  },
};
