import { loadConfig, startServer } from '../../server/index.ts';

/**
 * `trunkline server` / `trunkline up`: starts the server and keeps it
 * running until SIGINT/SIGTERM. `up` also prints a short guide.
 */
export async function serverCommand(options: { guide: boolean }): Promise<void> {
  const config = loadConfig();
  const server = await startServer(config);
  process.stdout.write(`Trunkline ${server.url}\n`);
  if (options.guide) {
    const token = server.adminToken
      ? `Admin token (shown once; also in ${server.adminTokenFile}):\n  ${server.adminToken}`
      : `Admin token: in ${server.adminTokenFile}`;
    process.stdout.write(
      [
        `Data folder: ${config.dataDir}`,
        token,
        'Next, in another terminal (see the README tour):',
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
