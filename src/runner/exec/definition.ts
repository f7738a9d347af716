import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { defineBackend } from '../contract.ts';
import { ExecBackend, SHELL } from './backend.ts';
import type { ExecBackendConfig } from './backend.ts';

const configSchema = z.object({
  root: z.string().min(1).default(join(tmpdir(), 'trunkline-runs')),
  stopGraceMs: z.number().int().nonnegative().default(5000),
  workspace: z.string().min(1).optional(),
});

/** Local processes: runs `type: exec` pipelines on this machine. */
export const execBackend = defineBackend<ExecBackendConfig>({
  id: 'exec',
  pipelineTypes: ['exec'],
  configSchema,
  async isAvailable() {
    try {
      await access(SHELL, constants.X_OK);
      return { available: true };
    } catch {
      return { available: false, reason: `no POSIX shell at ${SHELL}` };
    }
  },
  create(config, deps) {
    return new ExecBackend(config, deps.logger);
  },
});
