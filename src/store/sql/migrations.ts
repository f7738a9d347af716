/**
 * Schema history, applied in order, one transaction each. Never edit a
 * released migration: append a new one. Portable SQL where it costs nothing
 * (integer millisecond timestamps, JSON as TEXT, booleans as 0/1).
 */
export interface Migration {
  version: number;
  name: string;
  up: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    up: `
      CREATE TABLE repos (
        id TEXT PRIMARY KEY,
        namespace TEXT NOT NULL,
        name TEXT NOT NULL,
        clone_url TEXT NOT NULL,
        default_branch TEXT NOT NULL,
        visibility TEXT NOT NULL,
        config_path TEXT NOT NULL,
        timeout_minutes INTEGER NOT NULL,
        trusted INTEGER NOT NULL,
        last_build_number INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (namespace, name)
      );

      CREATE TABLE builds (
        id TEXT PRIMARY KEY,
        repo_id TEXT NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        status TEXT NOT NULL,
        event TEXT NOT NULL,
        action TEXT NOT NULL,
        ref TEXT NOT NULL,
        branch TEXT NOT NULL,
        source_branch TEXT NOT NULL,
        target_branch TEXT NOT NULL,
        commit_sha TEXT NOT NULL,
        before_sha TEXT NOT NULL,
        message TEXT NOT NULL,
        author_name TEXT NOT NULL,
        author_email TEXT NOT NULL,
        author_login TEXT NOT NULL,
        author_avatar TEXT NOT NULL,
        tag TEXT,
        pull_request INTEGER,
        deploy_to TEXT,
        triggered_by TEXT NOT NULL,
        params TEXT NOT NULL,
        parent_number INTEGER,
        error TEXT,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        updated_at INTEGER NOT NULL,
        UNIQUE (repo_id, number)
      );
      CREATE INDEX builds_repo_branch ON builds (repo_id, branch, number);
      CREATE INDEX builds_status ON builds (status, created_at);
      CREATE INDEX builds_created ON builds (created_at);

      CREATE TABLE stages (
        id TEXT PRIMARY KEY,
        build_id TEXT NOT NULL REFERENCES builds (id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        status TEXT NOT NULL,
        depends_on TEXT NOT NULL,
        plan TEXT NOT NULL,
        labels TEXT NOT NULL,
        concurrency_limit INTEGER,
        error TEXT,
        exit_code INTEGER,
        machine TEXT,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        updated_at INTEGER NOT NULL,
        UNIQUE (build_id, number)
      );
      CREATE INDEX stages_status ON stages (status, created_at);

      CREATE TABLE steps (
        id TEXT PRIMARY KEY,
        stage_id TEXT NOT NULL REFERENCES stages (id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        exit_code INTEGER,
        error TEXT,
        detached INTEGER NOT NULL,
        error_ignored INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        updated_at INTEGER NOT NULL,
        UNIQUE (stage_id, number),
        UNIQUE (stage_id, name)
      );

      CREATE TABLE log_lines (
        step_id TEXT NOT NULL REFERENCES steps (id) ON DELETE CASCADE,
        pos INTEGER NOT NULL,
        time INTEGER NOT NULL,
        out TEXT NOT NULL,
        PRIMARY KEY (step_id, pos)
      ) WITHOUT ROWID;

      CREATE TABLE secrets (
        repo_id TEXT NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        key_id TEXT NOT NULL,
        nonce BLOB NOT NULL,
        ciphertext BLOB NOT NULL,
        auth_tag BLOB NOT NULL,
        allow_pull_request INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (repo_id, name)
      );

      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        login TEXT NOT NULL,
        login_key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        email TEXT NOT NULL,
        role TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE tokens (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        expires_at INTEGER
      );
      CREATE INDEX tokens_user ON tokens (user_id);

      CREATE TABLE jobs (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL,
        concurrency_key TEXT,
        concurrency_limit INTEGER,
        labels TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        lease_owner TEXT,
        lease_expires_at INTEGER,
        error TEXT,
        created_at INTEGER NOT NULL,
        available_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX jobs_queue ON jobs (status, available_at, seq);
      CREATE INDEX jobs_concurrency ON jobs (concurrency_key, status);
      CREATE INDEX jobs_lease ON jobs (status, lease_expires_at);
    `,
  },
  {
    version: 2,
    name: 'git hosts, webhook deliveries and commit statuses',
    up: `
      ALTER TABLE repos ADD COLUMN provider TEXT NOT NULL DEFAULT 'git';
      ALTER TABLE repos ADD COLUMN api_url TEXT;

      -- Encrypted host settings of a repository, one row per field
      -- ('webhook_secret', 'credentials'); a missing row means not set.
      CREATE TABLE repo_host_secrets (
        repo_id TEXT NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
        field TEXT NOT NULL,
        key_id TEXT NOT NULL,
        nonce BLOB NOT NULL,
        ciphertext BLOB NOT NULL,
        auth_tag BLOB NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (repo_id, field)
      ) WITHOUT ROWID;

      CREATE TABLE webhook_deliveries (
        provider TEXT NOT NULL,
        delivery_id TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (provider, delivery_id)
      ) WITHOUT ROWID;
      CREATE INDEX webhook_deliveries_received ON webhook_deliveries (received_at);

      CREATE TABLE commit_statuses (
        repo_id TEXT NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
        sha TEXT NOT NULL,
        context TEXT NOT NULL,
        state TEXT NOT NULL,
        description TEXT NOT NULL,
        target_url TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (repo_id, sha, context)
      ) WITHOUT ROWID;

      CREATE INDEX builds_commit ON builds (commit_sha);
    `,
  },
  {
    version: 3,
    name: 'build artifacts and vulnerability verdicts',
    up: `
      -- What a build pushed: one row per (build, kind, repository, digest);
      -- recording it again replaces tags, media type and size.
      CREATE TABLE artifacts (
        id TEXT PRIMARY KEY,
        build_id TEXT NOT NULL REFERENCES builds (id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('image', 'chart')),
        reference TEXT NOT NULL,
        digest TEXT NOT NULL,
        tags TEXT NOT NULL,
        media_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (build_id, kind, reference, digest)
      );
      CREATE INDEX artifacts_digest ON artifacts (digest);

      -- Gate decisions against a manifest digest, kept for the record; not
      -- tied to a build, since one digest may come out of several builds.
      CREATE TABLE verdicts (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        digest TEXT NOT NULL,
        passed INTEGER NOT NULL,
        summary TEXT NOT NULL,
        counts TEXT NOT NULL,
        policy TEXT NOT NULL,
        policy_hash TEXT NOT NULL,
        report_digest TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX verdicts_digest ON verdicts (digest, created_at, seq);
    `,
  },
  {
    version: 4,
    name: 'clusters, applications, application status and syncs',
    up: `
      -- A cluster is reached either in-cluster or with a kubeconfig, sealed
      -- in the four nullable columns (all set or all NULL).
      CREATE TABLE clusters (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        server TEXT NOT NULL,
        in_cluster INTEGER NOT NULL,
        key_id TEXT,
        nonce BLOB,
        ciphertext BLOB,
        auth_tag BLOB,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        CHECK ((in_cluster = 1) = (ciphertext IS NULL))
      );

      -- Deleting a cluster that applications deploy to is refused (no cascade).
      CREATE TABLE applications (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        repo_url TEXT NOT NULL,
        path TEXT NOT NULL,
        revision TEXT NOT NULL,
        cluster_id TEXT NOT NULL REFERENCES clusters (id),
        namespace TEXT NOT NULL,
        automated INTEGER NOT NULL,
        prune INTEGER NOT NULL,
        self_heal INTEGER NOT NULL,
        environment TEXT,
        service TEXT,
        ignore_differences TEXT NOT NULL,
        last_sync_number INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX applications_cluster ON applications (cluster_id, name);

      -- Rewritten by every reconcile: a narrow row apart from the definition.
      CREATE TABLE application_status (
        app_id TEXT PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
        sync_status TEXT NOT NULL CHECK (sync_status IN ('Synced', 'OutOfSync', 'Unknown')),
        health TEXT NOT NULL CHECK (health IN ('Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown')),
        revision TEXT,
        observed_at INTEGER NOT NULL,
        message TEXT,
        resources TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE syncs (
        id TEXT PRIMARY KEY,
        app_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        revision TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('Pending', 'Running', 'Succeeded', 'Failed', 'Terminated')),
        phase TEXT NOT NULL,
        state TEXT NOT NULL,
        dry_run INTEGER NOT NULL,
        prune INTEGER NOT NULL,
        force INTEGER NOT NULL,
        triggered_by TEXT NOT NULL,
        reason TEXT,
        objects_changed TEXT NOT NULL,
        message TEXT,
        owner TEXT,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        updated_at INTEGER NOT NULL,
        UNIQUE (app_id, number)
      );
      CREATE INDEX syncs_status ON syncs (status, created_at);
    `,
  },
  {
    version: 5,
    name: 'audit log',
    up: `
      -- Append-only and hash-chained: each entry holds the hash of the one
      -- before it. details is canonical JSON text, hashed as stored.
      CREATE TABLE audit_entries (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target_kind TEXT NOT NULL,
        target_id TEXT NOT NULL,
        environment TEXT,
        outcome TEXT NOT NULL,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX audit_entries_at ON audit_entries (at);
      CREATE INDEX audit_entries_actor ON audit_entries (actor, seq);
      CREATE INDEX audit_entries_environment ON audit_entries (environment, seq);

      -- One row: the chain's head (detects a truncated tail) and its anchor,
      -- the hash the first kept entry follows (moves forward on pruning).
      CREATE TABLE audit_chain (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        head_seq INTEGER NOT NULL,
        head_hash TEXT NOT NULL,
        anchor_seq INTEGER NOT NULL,
        anchor_hash TEXT NOT NULL,
        pruned_count INTEGER NOT NULL,
        pruned_before INTEGER
      );
      INSERT INTO audit_chain (id, head_seq, head_hash, anchor_seq, anchor_hash, pruned_count, pruned_before)
      VALUES (1, 0, '${'0'.repeat(64)}', 1, '${'0'.repeat(64)}', 0, NULL);
    `,
  },
  {
    version: 6,
    name: 'notification targets and deliveries',
    up: `
      -- Outgoing notification targets. Secret settings (webhook URLs, bot
      -- tokens, signing secrets) are sealed together as one JSON object.
      CREATE TABLE notification_targets (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        events TEXT,
        environments TEXT,
        settings TEXT NOT NULL,
        secret_fields TEXT NOT NULL,
        key_id TEXT NOT NULL,
        nonce BLOB NOT NULL,
        ciphertext BLOB NOT NULL,
        auth_tag BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      -- The outcome of each (event, target) delivery; kept bounded.
      CREATE TABLE notification_deliveries (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        target TEXT NOT NULL,
        event_id TEXT NOT NULL,
        event_kind TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'retrying', 'delivered', 'failed')),
        attempts INTEGER NOT NULL,
        response_status INTEGER,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX notification_deliveries_target ON notification_deliveries (target, seq);
    `,
  },
  {
    version: 7,
    name: 'environments: generated applications, approvals and release records',
    up: `
      -- What generated an application (NULL: defined by hand); only that generator changes it.
      ALTER TABLE applications ADD COLUMN managed_by TEXT;

      CREATE TABLE approvals (
        id TEXT PRIMARY KEY,
        environment TEXT NOT NULL,
        service TEXT NOT NULL,
        version TEXT NOT NULL,
        login TEXT NOT NULL,
        role TEXT NOT NULL,
        comment TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (environment, service, version, login)
      );

      -- Append-only; seq orders releases recorded in the same millisecond.
      CREATE TABLE releases (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        service TEXT NOT NULL,
        environment TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('deploy', 'rollback')),
        version TEXT NOT NULL,
        commits TEXT NOT NULL,
        build TEXT,
        approvers TEXT NOT NULL,
        deployed_by TEXT NOT NULL,
        deployed_at INTEGER NOT NULL,
        config_revision TEXT NOT NULL,
        rollback_target TEXT,
        healthy INTEGER NOT NULL,
        sync_id TEXT
      );
      CREATE INDEX releases_service ON releases (service, environment, seq);
      CREATE INDEX releases_environment ON releases (environment, seq);
    `,
  },
  {
    version: 8,
    name: 'preview environments',
    up: `
      -- One row per preview environment of a branch; a removed one stays as history,
      -- so the name is unique only among those not removed.
      CREATE TABLE previews (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        environment TEXT NOT NULL,
        repo TEXT NOT NULL,
        branch TEXT NOT NULL,
        service TEXT NOT NULL,
        services TEXT NOT NULL,
        cluster TEXT,
        namespace TEXT NOT NULL,
        created_namespace INTEGER NOT NULL,
        created_cluster TEXT,
        provisioner TEXT,
        url TEXT,
        image_tag TEXT,
        status TEXT NOT NULL CHECK (status IN ('creating', 'ready', 'failed', 'removing', 'removed')),
        message TEXT,
        removal_reason TEXT,
        created_at INTEGER NOT NULL,
        last_push_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        removed_at INTEGER
      );
      CREATE UNIQUE INDEX previews_active_name ON previews (name) WHERE status <> 'removed';
      CREATE INDEX previews_status ON previews (status, last_push_at);
    `,
  },
  {
    version: 10,
    name: 'application sync policy force',
    up: `ALTER TABLE applications ADD COLUMN force INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 11,
    name: 'remote runners',
    up: `
      CREATE TABLE runners (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        token_hash TEXT NOT NULL UNIQUE,
        labels TEXT NOT NULL,
        version TEXT,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER
      );
    `,
  },
];
