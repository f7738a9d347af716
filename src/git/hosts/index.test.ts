import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adapterFor, giteaWebhooks, githubStatus, reporterFor, statusReporters, webhookAdapters } from './index.ts';

describe('host registry', () => {
  it('lists one adapter and one reporter per external host', () => {
    assert.deepEqual(
      webhookAdapters.map((adapter) => adapter.provider),
      ['gitea', 'github', 'gitlab'],
    );
    assert.deepEqual(
      statusReporters.map((reporter) => reporter.provider),
      ['gitea', 'github', 'gitlab'],
    );
  });

  it('finds them by provider, and nothing for the built-in host or unknown names', () => {
    assert.equal(adapterFor('gitea'), giteaWebhooks);
    assert.equal(reporterFor('github'), githubStatus);
    assert.equal(adapterFor('builtin'), undefined);
    assert.equal(reporterFor('bitbucket'), undefined);
  });
});
