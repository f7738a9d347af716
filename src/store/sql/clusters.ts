import { ConfigError, ConflictError, newId, NotFoundError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import { IN_CLUSTER_SERVER, kubeconfigServer } from '../kubeconfig-server.ts';
import { checkDnsLabel } from '../names.ts';
import type { ClusterRecord } from '../records.ts';
import type { SecretCipher } from '../secret-cipher.ts';
import type { ClusterInput, ClusterPatch, ClusterRepository } from '../types.ts';
import { blob, bool, int, text } from './columns.ts';
import { translateConstraint } from './database.ts';
import type { Database, Row } from './database.ts';
import { updateRow } from './update.ts';

/** Names the sealed value in its associated data. */
const FIELD = 'kubeconfig';

export class SqlClusterRepository implements ClusterRepository {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #cipher: SecretCipher;

  constructor(db: Database, clock: Clock, cipher: SecretCipher) {
    this.#db = db;
    this.#clock = clock;
    this.#cipher = cipher;
  }

  async create(input: ClusterInput): Promise<ClusterRecord> {
    checkDnsLabel(input.name, 'name');
    const hasKubeconfig = input.kubeconfig !== undefined;
    if (hasKubeconfig === (input.inCluster === true)) {
      throw new ConfigError(`cluster ${input.name}: give exactly one of kubeconfig and inCluster`);
    }
    const now = this.#clock.now();
    const id = newId();
    const access = this.#access(id, input.kubeconfig);
    try {
      await this.#db.run(
        `INSERT INTO clusters (id, name, server, in_cluster, key_id, nonce, ciphertext, auth_tag, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [id, input.name, access.server, access.in_cluster, access.key_id, access.nonce, access.ciphertext, access.auth_tag, now, now],
      );
    } catch (error) {
      translateConstraint(error, `cluster ${input.name}`);
    }
    return this.get(id);
  }

  async get(id: string): Promise<ClusterRecord> {
    const row = await this.#db.get('SELECT * FROM clusters WHERE id = ?', [id]);
    if (!row) throw new NotFoundError(`cluster ${id} not found`);
    return toCluster(row);
  }

  async findByName(name: string): Promise<ClusterRecord | undefined> {
    const row = await this.#db.get('SELECT * FROM clusters WHERE name = ?', [name]);
    return row && toCluster(row);
  }

  async list(): Promise<ClusterRecord[]> {
    return (await this.#db.all('SELECT * FROM clusters ORDER BY name')).map(toCluster);
  }

  async update(id: string, patch: ClusterPatch): Promise<ClusterRecord> {
    if (patch.name !== undefined) checkDnsLabel(patch.name, 'name');
    if (patch.kubeconfig !== undefined && patch.inCluster === true) {
      throw new ConfigError(`cluster ${id}: give either a kubeconfig or inCluster, not both`);
    }
    const columns: Record<string, string | number | Buffer | null> = { updated_at: this.#clock.now() };
    if (patch.name !== undefined) columns['name'] = patch.name;
    if (patch.kubeconfig !== undefined || patch.inCluster === true) {
      Object.assign(columns, this.#access(id, patch.kubeconfig));
    }
    try {
      await this.#db.transaction(async () => {
        const current = await this.#db.get('SELECT in_cluster FROM clusters WHERE id = ?', [id]);
        if (!current) throw new NotFoundError(`cluster ${id} not found`);
        if (patch.inCluster === false && patch.kubeconfig === undefined && bool(current, 'in_cluster')) {
          throw new ConfigError(`cluster ${id}: a cluster that stops being in-cluster needs a kubeconfig`);
        }
        await updateRow(this.#db, 'clusters', id, columns);
      });
    } catch (error) {
      translateConstraint(error, `cluster ${patch.name ?? id}`);
    }
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    await this.#db.transaction(async () => {
      const users = await this.#db.all('SELECT name FROM applications WHERE cluster_id = ? ORDER BY name', [id]);
      if (users.length > 0) {
        const names = users.map((row) => text(row, 'name'));
        throw new ConflictError(`cluster ${id} is the destination of applications: ${names.join(', ')}`, { applications: names });
      }
      if (await this.#db.run('DELETE FROM clusters WHERE id = ?', [id]) === 0) throw new NotFoundError(`cluster ${id} not found`);
    });
  }

  async revealKubeconfig(id: string): Promise<string | undefined> {
    const row = await this.#db.get('SELECT name, key_id, nonce, ciphertext, auth_tag FROM clusters WHERE id = ?', [id]);
    if (!row) throw new NotFoundError(`cluster ${id} not found`);
    if (row['ciphertext'] == null) return undefined;
    const sealed = { keyId: text(row, 'key_id'), nonce: blob(row, 'nonce'), ciphertext: blob(row, 'ciphertext'), tag: blob(row, 'auth_tag') };
    try {
      return this.#cipher.open(id, FIELD, sealed, 'cluster');
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      throw new ConfigError(`kubeconfig of cluster ${text(row, 'name')}: ${error.message}`, { clusterId: id }, { cause: error });
    }
  }

  /** The columns saying how the cluster is reached: sealed kubeconfig, or in-cluster when none is given. */
  #access(id: string, kubeconfig: string | undefined): AccessColumns {
    if (kubeconfig === undefined) {
      return { server: IN_CLUSTER_SERVER, in_cluster: 1, key_id: null, nonce: null, ciphertext: null, auth_tag: null };
    }
    const server = kubeconfigServer(kubeconfig);
    const sealed = this.#cipher.seal(id, FIELD, kubeconfig, 'cluster');
    return { server, in_cluster: 0, key_id: sealed.keyId, nonce: sealed.nonce, ciphertext: sealed.ciphertext, auth_tag: sealed.tag };
  }
}

interface AccessColumns {
  server: string;
  in_cluster: number;
  key_id: string | null;
  nonce: Buffer | null;
  ciphertext: Buffer | null;
  auth_tag: Buffer | null;
}

function toCluster(row: Row): ClusterRecord {
  return {
    id: text(row, 'id'),
    name: text(row, 'name'),
    server: text(row, 'server'),
    inCluster: bool(row, 'in_cluster'),
    hasKubeconfig: row['ciphertext'] != null,
    createdAt: int(row, 'created_at'),
    updatedAt: int(row, 'updated_at'),
  };
}
