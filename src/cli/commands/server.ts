import { DEMO_SERVICE, loadConfig, seedDemo, startServer } from '../../server/index.ts';

/**
 * `trunkline server` / `trunkline up`: starts the server and keeps it
 * running until SIGINT/SIGTERM. `up` also prints a short guide and, on a
 * fresh data folder, seeds the demo (unless `--no-demo`).
 */
export async function serverCommand(options: { guide: boolean; demo?: boolean }): Promise<void> {
  const config = loadConfig();
  const server = await startServer(config);
  process.stdout.write(`Trunkline ${server.url}\n`);
  if (options.demo && server.adminToken) {
    const demo = await seedDemo({ url: server.url, token: server.adminToken });
    process.stdout.write(`Demo: seeded ${demo.repos.join(' and ')}; the first build of ${DEMO_SERVICE.namespace}/${DEMO_SERVICE.name} is running.\n`);
  }
  if (options.guide) {
    const token = server.adminToken
      ? `Admin token (shown once; also in ${server.adminTokenFile}):\n  ${server.adminToken}`
      : `Admin token: in ${server.adminTokenFile}`;
    process.stdout.write(
      [
        `Data folder: ${config.dataDir}`,
        token,
        'Next, in another terminal (see the README tour):',
        `  npm run trunkline -- builds ${DEMO_SERVICE.namespace}/${DEMO_SERVICE.name}          # the demo service's builds`,
        '  npm run trunkline -- env matrix                 # which version runs where',
        '  npm run trunkline -- repo create acme/hello     # then git push to the URL it prints',
        '  npm run trunkline -- builds acme/hello',
        '  npm run trunkline -- exec .drone.yml            # run a pipeline locally, no server needed',
        '',
      ].join('\n'),
    );
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
