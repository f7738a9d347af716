import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A local image with Debian's static busybox and its applets; no registry or internet needed. */
export const BUSYBOX_IMAGE = 'localhost/trunkline-test-busybox:1';

/** Whether `command` runs (`<command> version`). */
export function hasCli(command: string): boolean {
  return spawnSync(command, ['version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Builds BUSYBOX_IMAGE with buildah from scratch unless podman already has
 * it: the busybox-static binary plus a symlink per applet, no RUN step.
 */
export function ensureBusyboxImage(): void {
  if (spawnSync('podman', ['image', 'exists', BUSYBOX_IMAGE]).status === 0) return;
  const busybox = '/bin/busybox';
  if (!existsSync(busybox)) throw new Error('busybox-static is not installed (apt-get install busybox-static)');
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-busybox-'));
  try {
    const bin = join(dir, 'rootfs', 'bin');
    mkdirSync(bin, { recursive: true });
    mkdirSync(join(dir, 'rootfs', 'tmp'));
    copyFileSync(busybox, join(bin, 'busybox'));
    const applets = execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => a && a !== 'busybox');
    for (const applet of applets) symlinkSync('busybox', join(bin, applet));
    writeFileSync(join(dir, 'Containerfile'), 'FROM scratch\nCOPY rootfs/ /\n');
    execFileSync('buildah', ['bud', '--isolation', 'chroot', '--quiet', '-t', BUSYBOX_IMAGE, dir], { stdio: 'ignore' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
