import type { BuildContext } from '../../src/pipeline/index.ts';

/** A push to `main` of `acme/shop`, build 1: the context most runner tests compile plans with. */
export const pushContext: BuildContext = {
  repo: { namespace: 'acme', name: 'shop', link: 'http://git/acme/shop', cloneUrl: 'http://git/acme/shop.git', defaultBranch: 'main', visibility: 'private', private: true },
  build: { number: 1, event: 'push', trigger: '@hook', created: 1700000000, link: 'http://ci/acme/shop/1', params: {} },
  commit: {
    sha: 'a'.repeat(40), before: '0'.repeat(40), ref: 'refs/heads/main', branch: 'main', sourceBranch: 'main', targetBranch: 'main', message: 'm', link: '',
    author: { name: 'A', email: 'a@example.com', username: 'a', avatar: '' },
  },
  system: { proto: 'http', host: 'ci.local', version: '0.1.0' },
};
