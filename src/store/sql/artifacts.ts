import { ConfigError, newId, NotFoundError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import { checkDigest } from '../digest.ts';
import { artifactKinds } from '../records.ts';
import type { ArtifactKind, ArtifactRecord } from '../records.ts';
import type { ArtifactInput, ArtifactRepository } from '../types.ts';
import { int, json, text } from './columns.ts';
import { translateConstraint } from './database.ts';
import type { Database, Row } from './database.ts';

export class SqlArtifactRepository implements ArtifactRepository {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async record(input: ArtifactInput): Promise<ArtifactRecord> {
    checkInput(input);
    const now = this.#clock.now();
    let row: Row | undefined;
    try {
      row = await this.#db.get(
        `INSERT INTO artifacts (id, build_id, kind, reference, digest, tags, media_type, size, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (build_id, kind, reference, digest) DO UPDATE SET
           tags = excluded.tags, media_type = excluded.media_type, size = excluded.size,
           updated_at = excluded.updated_at
         RETURNING *`,
        [
          newId(),
          input.buildId,
          input.kind,
          input.reference,
          input.digest,
          JSON.stringify([...input.tags]),
          input.mediaType,
          input.size,
          now,
          now,
        ],
      );
    } catch (error) {
      translateConstraint(error, `artifact ${input.reference}@${input.digest} of build ${input.buildId}`);
    }
    if (!row) throw new NotFoundError(`artifact ${input.reference}@${input.digest} not found`);
    return toArtifact(row);
  }

  async listByBuild(buildId: string): Promise<ArtifactRecord[]> {
    return (await this.#db.all('SELECT * FROM artifacts WHERE build_id = ? ORDER BY created_at, rowid', [buildId]))
      .map(toArtifact);
  }

  async findByDigest(digest: string): Promise<ArtifactRecord[]> {
    return (await this.#db.all('SELECT * FROM artifacts WHERE digest = ? ORDER BY created_at, rowid', [digest]))
      .map(toArtifact);
  }
}

function checkInput(input: ArtifactInput): void {
  if (!artifactKinds.includes(input.kind)) {
    throw new ConfigError(`kind: expected one of ${artifactKinds.join(', ')}, found ${JSON.stringify(input.kind)}`);
  }
  checkDigest(input.digest, 'digest');
  if (!Number.isSafeInteger(input.size) || input.size < 0) {
    throw new ConfigError(`size: expected a number of bytes, found ${String(input.size)}`);
  }
  if (input.reference === '') throw new ConfigError('reference: expected registry/repository');
}

function toArtifact(row: Row): ArtifactRecord {
  return {
    id: text(row, 'id'),
    buildId: text(row, 'build_id'),
    kind: text(row, 'kind') as ArtifactKind,
    reference: text(row, 'reference'),
    digest: text(row, 'digest'),
    tags: json<string[]>(row, 'tags'),
    mediaType: text(row, 'media_type'),
    size: int(row, 'size'),
    createdAt: int(row, 'created_at'),
    updatedAt: int(row, 'updated_at'),
  };
}
