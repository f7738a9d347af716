import { buildFromDockerfile } from '../../artifacts/index.ts';
import type { ApiClient } from '../client.ts';
import { recordArtifact, registryClient, stepContext } from '../step-context.ts';

export interface ImageBuildOptions {
  context: string;
  file?: string;
  registry?: string;
  repository?: string;
  tag?: string;
  extraTag: string[];
  buildArg: Record<string, string>;
  username?: string;
  passwordEnv?: string;
}

/**
 * `trunkline image build`: builds the Dockerfile without a daemon (or with
 * buildah/podman when it uses RUN), pushes it as
 * `<registry>/<repository>:{build}-{branch}-{sha8}` and records its digest
 * on the build.
 */
export async function imageBuildCommand(api: ApiClient, options: ImageBuildOptions): Promise<void> {
  const context = stepContext(options);
  const repository = options.repository ?? context.repo;
  const tag = options.tag ?? context.imageTag;
  if (!repository) throw new Error('no repository: pass --repository NAME (inside a pipeline DRONE_REPO is used)');
  if (!tag) throw new Error('no tag: pass --tag TAG (inside a pipeline TRUNKLINE_IMAGE_TAG is used)');
  const image = await buildFromDockerfile({
    context: options.context,
    dockerfile: options.file,
    buildArgs: options.buildArg,
    repository,
    tag,
    extraTags: options.extraTag,
    revision: context.commit,
    source: context.source,
    created: context.created,
    client: registryClient(context),
    credentials: context.credentials,
  });
  process.stdout.write(`pushed ${image.reference}\ndigest ${image.digest} (${image.builder})\n`);
  await recordArtifact(api, context, {
    kind: 'image',
    reference: `${context.registry}/${repository}`,
    digest: image.digest,
    tags: image.tags,
    mediaType: image.mediaType,
    size: image.size,
  });
}
