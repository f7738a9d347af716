import { Command, Option } from 'commander';
import { messageOf } from '../core/index.ts';
import { version } from '../server/index.ts';
import { ApiClient, ApiError } from './client.ts';
import { repoAddCommand, repoCreateCommand, repoListCommand, secretListCommand, secretSetCommand, userAddCommand } from './commands/admin.ts';
import { auditCommands } from './commands/audit.ts';
import { cancelCommand, listCommand, logsCommand, restartCommand, statusCommand, triggerCommand } from './commands/builds.ts';
import { execCommand } from './commands/exec.ts';
import { chartPackageCommand, type ChartOptions } from './commands/chart.ts';
import { imageBuildCommand, type ImageBuildOptions } from './commands/image.ts';
import { previewListCommand, previewRemoveCommand } from './commands/previews.ts';
import { releaseCommand, type ReleaseOptions, type VersionOptions } from './commands/release.ts';
import { approveCommand, deployCommand, envListCommand, envMatrixCommand, envRollbackCommand, envSyncCommand, promoteCommand, releasesCommand } from './commands/environments.ts';
import { scanCommand, type ScanOptions } from './commands/scan.ts';
import { lintCommand } from './commands/lint.ts';
import { notifyAddCommand, notifyDeliveriesCommand, notifyListCommand, notifyRemoveCommand, notifyTestCommand, type NotifyAddOptions } from './commands/notify.ts';
import { doraCommand, type DoraOptions } from './commands/metrics.ts';
import { serverCommand } from './commands/server.ts';
import { clusterAddCommand, clusterListCommand } from './commands/clusters.ts';
import { runnerCommand, runnersAddCommand, runnersListCommand, runnersRemoveCommand, type RunnerOptions } from './commands/runner.ts';
import { keyValue, positiveInteger } from './options.ts';

const events = ['push', 'pull_request', 'tag', 'promote', 'rollback', 'cron', 'custom', 'create', 'delete'];

/** Exit with the code an action returned, or 0. */
const run =
  <A extends unknown[]>(action: (...args: A) => Promise<number | void>) =>
  async (...args: A): Promise<void> => {
    const code = await action(...args);
    if (typeof code === 'number') process.exitCode = code;
  };

function program(): Command {
  const cli = new Command('trunkline').version(version).description('Trunk-based delivery for Kubernetes');
  const client = () => {
    const { server, token } = cli.opts<{ server?: string; token?: string }>();
    return new ApiClient({ server, token });
  };
  cli
    .option('--server <url>', 'Trunkline server URL (env TRUNKLINE_SERVER, default http://127.0.0.1:8080)')
    .option('--token <token>', 'API token (env TRUNKLINE_TOKEN, default the local admin token)');

  cli
    .command('up')
    .description('start Trunkline with embedded defaults, seed the demo on a fresh data folder, and print how to use it')
    .option('--no-demo', 'do not seed the demo repositories on first start')
    .action(run((options: { demo: boolean }) => serverCommand({ guide: true, demo: options.demo })));
  cli.command('server').description('start the Trunkline server (configured by TRUNKLINE_* variables)').action(run(() => serverCommand({ guide: false })));

  cli
    .command('exec')
    .description('run a pipeline file in the current folder, like drone exec')
    .argument('[file]', 'pipeline file', '.drone.yml')
    .option('--branch <branch>', 'branch to pretend (default: the checked-out one)')
    .addOption(new Option('--event <event>', 'build event').choices(events).default('push'))
    .option('--tag <tag>', 'tag name, for tag events')
    .option('--deploy-to <env>', 'target environment, for promote events')
    .option('--env <KEY=VALUE>', 'extra variable for every step (repeatable)', keyValue, {})
    .option('--secret <KEY=VALUE>', 'secret value (repeatable); masked in the output', keyValue, {})
    .option('--pipeline <name...>', 'run only these pipelines')
    .option('--clone', 'run the clone step into a fresh workspace instead of using this folder', false)
    .option('--timeout <minutes>', 'default step timeout', positiveInteger)
    .option('--trusted', 'allow privileged steps and host volumes (docker pipelines), like drone exec --trusted', false)
    .action(run(execCommand));

  cli
    .command('lint')
    .description('check a pipeline file and print diagnostics')
    .argument('[file]', 'pipeline file', '.drone.yml')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(run(lintCommand));

  const repo = cli.command('repo').description('manage repositories');
  repo
    .command('create')
    .description('create a repository on the built-in git host')
    .argument('<slug>', 'NAMESPACE/NAME')
    .option('--default-branch <branch>')
    .addOption(new Option('--visibility <visibility>').choices(['public', 'private', 'internal']))
    .action(run((slug: string, options: object) => repoCreateCommand(client(), slug, options)));
  repo
    .command('add')
    .description('register an external repository by its clone URL or path')
    .argument('<slug>', 'NAMESPACE/NAME')
    .argument('<clone-url>', 'URL or path git clones from')
    .option('--default-branch <branch>')
    .option('--config-path <path>', 'pipeline file in the repository (default .drone.yml)')
    .addOption(new Option('--visibility <visibility>').choices(['public', 'private', 'internal']))
    .action(run((slug: string, url: string, options: object) => repoAddCommand(client(), slug, url, options)));
  repo.command('ls').action(run(() => repoListCommand(client())));

  const secret = cli.command('secret').description('manage repository secrets (write-only)');
  secret
    .command('set')
    .arguments('<repo> <name> <value>')
    .option('--allow-pull-request', 'expose to pull request builds', false)
    .action(run((r: string, n: string, v: string, o: { allowPullRequest: boolean }) => secretSetCommand(client(), r, n, v, o)));
  secret.command('ls').argument('<repo>').action(run((r: string) => secretListCommand(client(), r)));

  const notify = cli.command('notify').description('notification targets: generic JSON webhooks, Slack, Telegram (admin)');
  const repeat = (value: string, all: string[]) => [...all, value];
  notify
    .command('add')
    .description('add a target; by default it receives what needs attention, from every environment')
    .argument('<name>')
    .addOption(new Option('--kind <kind>').choices(['generic', 'slack', 'telegram']).makeOptionMandatory())
    .option('--url <url>', 'webhook URL (generic, slack)')
    .option('--secret <secret>', 'HMAC-SHA256 signing secret (generic)')
    .option('--bot-token <token>', 'bot token (telegram)')
    .option('--chat-id <id>', 'chat id or @channel (telegram)')
    .option('--api-url <url>', 'Bot API server (telegram, default https://api.telegram.org)')
    .option('--event <kind>', 'event kind to send (repeatable)', repeat, [] as string[])
    .option('--env <pattern>', 'environment glob, e.g. production or preview-* (repeatable)', repeat, [] as string[])
    .action(run((name: string, o: NotifyAddOptions) => notifyAddCommand(client(), name, o)));
  notify.command('ls').description('list targets').action(run(() => notifyListCommand(client())));
  notify.command('rm').description('remove a target').argument('<name>').action(run((name: string) => notifyRemoveCommand(client(), name)));
  notify.command('test').description('send a test message now').argument('<name>').action(run((name: string) => notifyTestCommand(client(), name)));
  notify
    .command('deliveries')
    .description('recent deliveries, newest first')
    .option('--target <name>')
    .option('--limit <n>', 'at most n', positiveInteger)
    .action(run((o: { target?: string; limit?: number }) => notifyDeliveriesCommand(client(), o)));

  cli
    .command('runner')
    .description('run stages for a Trunkline server (--server, and --token with this runner\'s token or TRUNKLINE_RUNNER_TOKEN): long-polls for work it can run, streams logs and results back')
    .option('--capacity <n>', 'stages run at once', positiveInteger, 2)
    .option('--labels <KEY=VALUE>', 'label matched against pipelines\' node: (repeatable)', keyValue, {})
    .option('--data <dir>', 'workspaces and tools', '.trunkline-runner')
    .action(run((o: RunnerOptions) => runnerCommand({ ...o, ...cli.opts<{ server?: string; token?: string }>() })));
  const runners = cli.command('runners').description('register and list remote runners (admin)');
  runners.command('add').argument('<name>').description('register a runner and print its token').action(run((n: string) => runnersAddCommand(client(), n)));
  runners.command('ls').action(run(() => runnersListCommand(client())));
  runners.command('rm').argument('<name>').action(run((n: string) => runnersRemoveCommand(client(), n)));

  const cluster = cli.command('cluster').description('Kubernetes clusters environments deploy to');
  cluster
    .command('add')
    .description('connect a cluster (admin); its kubeconfig is stored encrypted')
    .argument('<name>')
    .option('--kubeconfig <file>', 'kubeconfig file')
    .option('--in-cluster', 'use the service account Trunkline runs as')
    .action(run((n: string, o: { kubeconfig?: string; inCluster?: boolean }) => clusterAddCommand(client(), n, o)));
  cluster.command('ls').action(run(() => clusterListCommand(client())));

  cli
    .command('user')
    .description('create a user and print a token for it (admin)')
    .argument('<login>')
    .addOption(new Option('--role <role>').choices(['viewer', 'developer', 'release-manager', 'admin']).default('developer'))
    .action(run((login: string, o: { role: string }) => userAddCommand(client(), login, o)));

  cli
    .command('trigger')
    .description('start a build')
    .argument('<repo>', 'NAMESPACE/NAME')
    .option('--branch <branch>')
    .option('--ref <ref>')
    .option('--commit <sha>')
    .addOption(new Option('--event <event>').choices(events).default('custom'))
    .option('--param <KEY=VALUE>', 'build parameter (repeatable)', keyValue, {})
    .option('--follow', 'stream the logs and exit with the build result', false)
    .action(run((r: string, o: Parameters<typeof triggerCommand>[2]) => triggerCommand(client(), r, o)));

  cli
    .command('builds')
    .description('list builds')
    .argument('<repo>')
    .option('--branch <branch>')
    .option('--status <status>')
    .option('--limit <n>', 'at most n builds', positiveInteger)
    .action(run((r: string, o: object) => listCommand(client(), r, o)));

  cli.command('status').description('show a build').arguments('<repo> <number>').action(run((r: string, n: string) => statusCommand(client(), r, positiveInteger(n))));

  cli
    .command('logs')
    .description('print a step log')
    .arguments('<repo> <number> <stage> <step>')
    .option('--follow', 'stream until the step ends', false)
    .action(
      run((r: string, n: string, stage: string, step: string, o: { follow: boolean }) =>
        logsCommand(client(), r, positiveInteger(n), positiveInteger(stage), positiveInteger(step), o),
      ),
    );

  const image = cli.command('image').description('container images');
  image
    .command('build')
    .description('build a Dockerfile without a daemon and push it tagged {build}-{branch}-{sha8}')
    .option('--context <dir>', 'build context', '.')
    .option('-f, --file <Dockerfile>', 'Dockerfile (default <context>/Dockerfile)')
    .option('--registry <host>', 'registry (default TRUNKLINE_REGISTRY)')
    .option('--repository <name>', 'repository in the registry (default DRONE_REPO)')
    .option('--tag <tag>', 'primary tag (default TRUNKLINE_IMAGE_TAG)')
    .option('--extra-tag <tag>', 'another tag (repeatable)', (value: string, all: string[]) => [...all, value], [] as string[])
    .option('--build-arg <KEY=VALUE>', 'Dockerfile ARG (repeatable)', keyValue, {})
    .option('--username <login>', 'registry user (default trunkline-ci)')
    .option('--password-env <VAR>', 'variable holding the registry password (default TRUNKLINE_TOKEN)')
    .action(run((o: ImageBuildOptions) => imageBuildCommand(client(), o)));

  const chart = cli.command('chart').description('the unified service Helm chart');
  chart
    .command('package')
    .description('package the service chart from a values file (version 0.1.{build}), optionally push it')
    .argument('[values]', 'values file', 'values.yaml')
    .option('--name <name>', 'chart name (default DRONE_REPO_NAME)')
    .option('--version <version>', 'chart version (default 0.1.$DRONE_BUILD_NUMBER)')
    .option('--app-version <tag>', 'appVersion (default TRUNKLINE_IMAGE_TAG)')
    .option('--output <dir>', 'where the .tgz goes', '.')
    .option('--push', 'push to the registry as an OCI artifact', false)
    .option('--repository <name>', 'repository in the registry (default charts/<name>)')
    .option('--registry <host>', 'registry (default TRUNKLINE_REGISTRY)')
    .option('--username <login>')
    .option('--password-env <VAR>')
    .action(run((values: string, o: ChartOptions) => chartPackageCommand(client(), values, o)));

  cli
    .command('scan')
    .description('gate on a vulnerability report (Trivy or Grype JSON) and record the verdict on the image digest')
    .option('--report <file>', 'scanner report (JSON)')
    .addOption(new Option('--scanner <name>', 'run this scanner').choices(['trivy', 'grype']))
    .option('--image <ref>', 'image for --scanner')
    .option('--policy <file>', 'policy YAML (default: fail on high)')
    .option('--digest <digest>', 'image digest to record the verdict on (default: the image this build pushed)')
    .action(run((o: ScanOptions) => scanCommand(client(), o)));

  cli
    .command('release')
    .description('set a service version in environments of the config repository (GitOps write-back)')
    .argument('<service>')
    .option('--env <environment>', 'environment (repeatable; default: every environment that takes this build)', (value: string, all: string[]) => [...all, value], [] as string[])
    .option('--config-repo <repo>', 'config repository: URL, path or built-in namespace/name (default TRUNKLINE_CONFIG_REPO)')
    .option('--branch <branch>', 'branch of the config repository (default main)')
    .option('--tag <tag>', 'image tag (default TRUNKLINE_IMAGE_TAG)')
    .option('--image-repository <repo>', 'image repository (default <registry>/<DRONE_REPO>)')
    .option('--chart-version <version>', 'chart version (default 0.1.$DRONE_BUILD_NUMBER)')
    .option('--chart-repository <repo>', 'chart repository (default oci://<registry>/charts/<service>)')
    .option('--review', 'push a branch (and open a pull request where the host allows) instead of committing to the followed branch; needs --env', false)
    .action(run((service: string, o: ReleaseOptions) => releaseCommand(client(), service, o)));

  cli
    .command('metrics')
    .description('delivery metrics')
    .command('dora')
    .description('DORA keys (deployment frequency, lead time, change failure rate, time to restore, rework rate)')
    .option('--service <service>', 'one service (default: all)')
    .option('--environment <environment>', 'one environment (default: all)')
    .addOption(new Option('--days <days>', 'window in days').choices(['7', '30', '90']).default('30'))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(run((o: DoraOptions) => doraCommand(client(), o)));
  const previews = cli.command('previews').description('preview environments of feature branches');
  previews
    .command('ls')
    .description('list previews with their status and URL')
    .option('--json', 'print JSON', false)
    .action(run((o: { json?: boolean }) => previewListCommand(client(), o)));
  previews
    .command('rm')
    .description('tear a preview down (developer)')
    .argument('<name>')
    .action(run((name: string) => previewRemoveCommand(client(), name)));
  environmentCommands(cli, client);

  cli.command('cancel').arguments('<repo> <number>').action(run((r: string, n: string) => cancelCommand(client(), r, positiveInteger(n))));
  cli
    .command('restart')
    .arguments('<repo> <number>')
    .option('--follow', 'stream the logs', false)
    .action(run((r: string, n: string, o: { follow: boolean }) => restartCommand(client(), r, positiveInteger(n), o)));
  auditCommands(cli, client, run);
  return cli;
}

function environmentCommands(cli: Command, client: () => ApiClient): void {
  const env = cli.command('env').description('environments');
  env.command('ls').description('environments, their clusters and what a sync needs').action(run(() => envListCommand(client())));
  env.command('matrix').description('which version runs in which environment, and what waits').action(run(() => envMatrixCommand(client())));
  cli
    .command('promote')
    .description('write a version into an environment (from another environment, or a tag)')
    .argument('<service>')
    .requiredOption('--to <env>', 'target environment')
    .option('--from <env>', 'take the version running there')
    .option('--tag <tag>', 'image tag to promote')
    .option('--chart-version <version>')
    .option('-m, --comment <text>')
    .action(run((service: string, o: { to: string; from?: string; tag?: string; chartVersion?: string; comment?: string }) => promoteCommand(client(), service, o)));
  cli
    .command('approve')
    .description('approve the version waiting in an environment')
    .argument('<service>')
    .requiredOption('--env <env>')
    .requiredOption('-m, --message <comment>', 'why (required)')
    .action(run((service: string, o: { env: string; message: string }) => approveCommand(client(), service, o)));
  cli
    .command('sync')
    .description("sync a service's environment to its config (role, approvals, windows and vulnerability gate checked)")
    .argument('<service>')
    .requiredOption('--env <env>')
    .option('--override-reason <reason>', 'sync outside the sync windows (release manager), recorded')
    .action(run((service: string, o: { env: string; overrideReason?: string }) => envSyncCommand(client(), service, o)));
  cli
    .command('rollback')
    .description('restore an earlier release of a service in an environment (a revert commit) and sync it')
    .argument('<service>')
    .requiredOption('--env <env>')
    .option('--release <id>', 'release to restore (default: the one before the latest)')
    .option('-m, --comment <text>')
    .action(run((service: string, o: { env: string; release?: string; comment?: string }) => envRollbackCommand(client(), service, o)));
  cli
    .command('releases')
    .description('release records, newest first')
    .option('--service <service>')
    .option('--env <env>')
    .option('--limit <n>', 'at most n', positiveInteger)
    .action(run((o: { service?: string; env?: string; limit?: number }) => releasesCommand(client(), o)));
  cli
    .command('deploy')
    .description('pipeline step: install or upgrade a service in an environment through Trunkline and wait until it is healthy')
    .argument('<service>')
    .requiredOption('--env <env>')
    .option('--tag <tag>', 'image tag (default TRUNKLINE_IMAGE_TAG)')
    .option('--image-repository <repo>', 'image repository (default <registry>/<DRONE_REPO>)')
    .option('--chart-version <version>', 'chart version (default 0.1.$DRONE_BUILD_NUMBER)')
    .option('--chart-repository <repo>', 'chart repository (default oci://<registry>/charts/<service>)')
    .action(run((service: string, o: VersionOptions & { env: string }) => deployCommand(client(), service, o)));
}

export async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv);
  } catch (error) {
    const details = error instanceof ApiError && Array.isArray(error.body.details) ? `\n${JSON.stringify(error.body.details, null, 2)}` : '';
    process.stderr.write(`trunkline: ${messageOf(error)}${details}\n`);
    process.exitCode = error instanceof ApiError && error.status < 500 ? 2 : 1;
  }
}
