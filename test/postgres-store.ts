/**
 * Runs the store's tests a second time on Postgres (the database in
 * TRUNKLINE_TEST_DATABASE_URL), so both engines pass the same tests. The
 * Postgres-only tests and the replica test run in the main pass already.
 */
import { spawnSync } from 'node:child_process';

if (!process.env['TRUNKLINE_TEST_DATABASE_URL']) {
  console.log('store tests on Postgres skipped: TRUNKLINE_TEST_DATABASE_URL is not set (.ci/run starts a Postgres and sets it)');
  process.exit(0);
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=120000', 'src/store/sql/*.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, TRUNKLINE_TEST_STORE: 'postgres' },
});
process.exit(result.status ?? 1);
