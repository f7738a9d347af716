/**
 * The ready-made environments, used when the config repository has no
 * `environments.yaml` (and written into the demo's config repository): trunk
 * builds go to `test` from the pipeline and to `staging` automatically;
 * `production` waits, out of sync, for a release manager; `feature-*`
 * branches get previews cloned from staging. All on the cluster registered as
 * `default`.
 */
export const defaultEnvironmentsYaml = `# Where versions go. Reference: README.md, "Environments".
environments:
  - name: test
    kind: test
    cluster: default
    deploy: pipeline        # a deploy step in the pipeline installs or upgrades it
    accepts: { trunk: true }
  - name: staging
    kind: staging
    cluster: default
    deploy: auto            # every config commit is synced; drift is reverted
    accepts: { trunk: true }
  - name: production
    kind: production
    cluster: default
    deploy: manual          # waits, OutOfSync, for a release manager
    accepts: { trunk: true }
    approvals: { required: 1, roles: [release-manager], fourEyes: false }
  - name: preview
    kind: preview
    cluster: default
    namespace: preview-{branch}
    accepts: { branches: "feature-*" }
    ingress: { host: "{service}.{branch}.preview.localhost" }
    preview: { from: staging, ttl: 72h, maxConcurrent: 10 }
`;

/**
 * The tag-driven variant: trunk builds reach test and staging; a release
 * manager's tag \`vX.Y.Z\` on a trunk commit promotes that build to staging and
 * production, the tag itself counting as the approval.
 */
export const tagDrivenEnvironmentsYaml = `environments:
  - name: test
    kind: test
    cluster: default
    deploy: pipeline
    accepts: { trunk: true }
  - name: staging
    kind: staging
    cluster: default
    deploy: auto
    accepts: { trunk: true, tags: "v*" }
  - name: production
    kind: production
    cluster: default
    deploy: auto
    accepts: { tags: "v*" }
    approvals: { required: 1, roles: [release-manager] }
`;
