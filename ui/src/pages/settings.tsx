import { useState, type FormEvent, type ReactNode } from 'react';
import { del, post, request } from '../api.ts';
import { ConfirmButton } from '../components/confirm.tsx';
import { ErrorBox, Loaded } from '../components/feedback.tsx';
import { useApi } from '../components/use-api.ts';
import { ago, dateTime } from '../format.ts';
import { useCan, useSession } from '../session.tsx';
import type { ClusterRecord, Repo, SecretRecord, TokenRecord, UserRecord } from '../types.ts';

/** A form that runs `action` on submit and shows its error; clears via `onDone`. */
function ActionForm({ label, action, children }: { label: string; action(): Promise<unknown>; children: ReactNode }) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="stack" aria-label={label} onSubmit={(event) => void submit(event)}>
      {children}
      <ErrorBox error={error} />
      <button type="submit" className="primary" disabled={busy}>
        {label}
      </button>
    </form>
  );
}

function Field({ label, value, onChange, type = 'text', required }: { label: string; value: string; onChange(v: string): void; type?: string; required?: boolean }) {
  return (
    <label className="field">
      {label}
      {type === 'textarea' ? (
        <textarea value={value} required={required} rows={5} onChange={(event) => onChange(event.target.value)} />
      ) : (
        <input type={type} value={value} required={required} autoComplete="off" onChange={(event) => onChange(event.target.value)} />
      )}
    </label>
  );
}

function Repositories() {
  const can = useCan();
  const repos = useApi<Repo[]>('/api/repos');
  const [form, setForm] = useState({ namespace: '', name: '', cloneUrl: '' });
  return (
    <section aria-labelledby="settings-repos">
      <h2 id="settings-repos">Repositories</h2>
      <Loaded {...repos}>
        {(list) => (
          <ul className="cards" aria-label="Repository list">
            {list.map((r) => (
              <li key={r.id}>
                <strong>{r.slug}</strong> <span className="muted">{r.provider} · {r.defaultBranch} · {r.visibility}{r.trusted ? ' · trusted' : ''}</span>
                <div className="muted">
                  <code>{r.httpUrl ?? r.cloneUrl}</code>
                </div>
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      {can('repo.create') && (
        <ActionForm
          label="Add repository"
          action={async () => {
            await post('/api/repos', { namespace: form.namespace, name: form.name, ...(form.cloneUrl ? { cloneUrl: form.cloneUrl } : {}) });
            setForm({ namespace: '', name: '', cloneUrl: '' });
            repos.reload();
          }}
        >
          <Field label="Namespace" value={form.namespace} required onChange={(namespace) => setForm({ ...form, namespace })} />
          <Field label="Name" value={form.name} required onChange={(name) => setForm({ ...form, name })} />
          <Field label="Clone URL (empty: host it here)" value={form.cloneUrl} onChange={(cloneUrl) => setForm({ ...form, cloneUrl })} />
        </ActionForm>
      )}
    </section>
  );
}

function Secrets() {
  const can = useCan();
  const repos = useApi<Repo[]>('/api/repos');
  const [repo, setRepo] = useState('');
  const slug = repo || repos.data?.[0]?.slug || '';
  const secrets = useApi<SecretRecord[]>(slug ? `/api/repos/${slug}/secrets` : null);
  const [form, setForm] = useState({ name: '', value: '', allowPullRequest: false });
  return (
    <section aria-labelledby="settings-secrets">
      <h2 id="settings-secrets">Secrets</h2>
      <p className="muted">Values are write-only: they can be replaced, never read back.</p>
      <label className="field inline">
        Repository
        <select value={slug} onChange={(event) => setRepo(event.target.value)}>
          {(repos.data ?? []).map((r) => (
            <option key={r.id}>{r.slug}</option>
          ))}
        </select>
      </label>
      <Loaded {...secrets}>
        {(list) => (
          <ul className="cards" aria-label="Secret list">
            {list.length === 0 && <li className="muted">No secrets.</li>}
            {list.map((s) => (
              <li key={s.name}>
                <code>{s.name}</code> <span className="muted">{s.allowPullRequest ? 'pull requests may read · ' : ''}updated {ago(s.updatedAt)}</span>{' '}
                {can('secret.write') && (
                  <ConfirmButton
                    label={`Delete secret ${s.name}`}
                    danger
                    question={`Delete ${s.name} from ${slug}?`}
                    onConfirm={async () => {
                      await del(`/api/repos/${slug}/secrets/${encodeURIComponent(s.name)}`);
                      secrets.reload();
                    }}
                  />
                )}
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      {slug && can('secret.write') && (
        <ActionForm
          label="Save secret"
          action={async () => {
            await post(`/api/repos/${slug}/secrets`, form);
            setForm({ name: '', value: '', allowPullRequest: false });
            secrets.reload();
          }}
        >
          <Field label="Secret name" value={form.name} required onChange={(name) => setForm({ ...form, name })} />
          <Field label="Secret value" type="password" value={form.value} required onChange={(value) => setForm({ ...form, value })} />
          <label className="check">
            <input type="checkbox" checked={form.allowPullRequest} onChange={(event) => setForm({ ...form, allowPullRequest: event.target.checked })} />
            Pull requests may read it
          </label>
        </ActionForm>
      )}
    </section>
  );
}

function Tokens() {
  const { user } = useSession();
  const can = useCan();
  const tokens = useApi<TokenRecord[]>('/api/user/tokens');
  const users = useApi<UserRecord[]>(can('user.manage') ? '/api/users' : null);
  const [name, setName] = useState('');
  const [days, setDays] = useState('');
  const [created, setCreated] = useState<string>();
  const [newUser, setNewUser] = useState({ login: '', role: 'developer' });
  return (
    <section aria-labelledby="settings-tokens">
      <h2 id="settings-tokens">Tokens</h2>
      <p className="muted">
        Signed in as {user.login} ({user.role}).
      </p>
      <Loaded {...tokens}>
        {(list) => (
          <ul className="cards" aria-label="Token list">
            {list.map((t) => (
              <li key={t.id}>
                <strong>{t.name}</strong>{' '}
                <span className="muted">
                  created {ago(t.createdAt)} · last used {t.lastUsedAt ? ago(t.lastUsedAt) : 'never'}
                  {t.expiresAt ? ` · expires ${dateTime(t.expiresAt)}` : ''}
                </span>{' '}
                <ConfirmButton
                  label={`Revoke token ${t.name}`}
                  danger
                  question={`Revoke ${t.name}? Whatever uses it stops working.`}
                  onConfirm={async () => {
                    await del(`/api/user/tokens/${t.id}`);
                    tokens.reload();
                  }}
                />
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      {created && (
        <p className="notice good" role="status">
          New token (shown once): <code aria-label="New token">{created}</code>
        </p>
      )}
      <ActionForm
        label="Create token"
        action={async () => {
          const answer = await post<{ token: string }>('/api/user/tokens', { name, ...(days ? { expiresInDays: Number(days) } : {}) });
          setCreated(answer.token);
          setName('');
          tokens.reload();
        }}
      >
        <Field label="Token name" value={name} required onChange={setName} />
        <Field label="Expires in days (empty: never)" type="number" value={days} onChange={setDays} />
      </ActionForm>
      {can('user.manage') && (
        <>
          <h3>Users</h3>
          <Loaded {...users}>
            {(list) => (
              <ul className="cards" aria-label="User list">
                {list.map((u) => (
                  <li key={u.id}>
                    {u.login} <span className="role">{u.role}</span>
                  </li>
                ))}
              </ul>
            )}
          </Loaded>
          <ActionForm
            label="Add user"
            action={async () => {
              await post('/api/users', newUser);
              setNewUser({ login: '', role: 'developer' });
              users.reload();
            }}
          >
            <Field label="Login" value={newUser.login} required onChange={(login) => setNewUser({ ...newUser, login })} />
            <label className="field">
              Role
              <select value={newUser.role} onChange={(event) => setNewUser({ ...newUser, role: event.target.value })}>
                {['viewer', 'developer', 'release-manager', 'admin'].map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            </label>
          </ActionForm>
        </>
      )}
    </section>
  );
}

function Clusters() {
  const can = useCan();
  const clusters = useApi<ClusterRecord[]>('/api/clusters');
  const [form, setForm] = useState({ name: '', kubeconfig: '' });
  return (
    <section aria-labelledby="settings-clusters">
      <h2 id="settings-clusters">Clusters</h2>
      <Loaded {...clusters}>
        {(list) => (
          <ul className="cards" aria-label="Cluster list">
            {list.length === 0 && <li className="muted">No clusters.</li>}
            {list.map((c) => (
              <li key={c.id}>
                <strong>{c.name}</strong> <span className="muted">{c.inCluster ? 'in-cluster' : c.server}</span>
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      {can('repo.update') && (
        <ActionForm
          label="Add cluster"
          action={async () => {
            await post('/api/clusters', form);
            setForm({ name: '', kubeconfig: '' });
            clusters.reload();
          }}
        >
          <Field label="Cluster name" value={form.name} required onChange={(name) => setForm({ ...form, name })} />
          <Field label="Kubeconfig (write-only)" type="textarea" value={form.kubeconfig} required onChange={(kubeconfig) => setForm({ ...form, kubeconfig })} />
        </ActionForm>
      )}
    </section>
  );
}

interface Target {
  name: string;
  kind: string;
  url?: string;
  events?: string[];
  environments?: string[];
}

function Notifications() {
  const can = useCan();
  const targets = useApi<Target[]>('/api/notifications/targets');
  const [form, setForm] = useState({ name: '', kind: 'generic', url: '', botToken: '', chatId: '', secret: '' });
  const [tested, setTested] = useState<string>();
  const manage = can('notification.manage');
  return (
    <section aria-labelledby="settings-notifications">
      <h2 id="settings-notifications">Notifications</h2>
      <Loaded {...targets}>
        {(list) => (
          <ul className="cards" aria-label="Notification targets">
            {list.length === 0 && <li className="muted">No targets.</li>}
            {list.map((t) => (
              <li key={t.name}>
                <strong>{t.name}</strong> <span className="muted">{t.kind} {t.url ?? ''} {t.events?.length ? `· ${t.events.join(', ')}` : ''}</span>{' '}
                {manage && (
                  <>
                    <button type="button" onClick={() => void post(`/api/notifications/targets/${t.name}/test`).then(() => setTested(t.name), (e: Error) => setTested(`${t.name}: ${e.message}`))}>
                      Send test to {t.name}
                    </button>{' '}
                    <ConfirmButton
                      label={`Delete target ${t.name}`}
                      danger
                      question={`Stop notifying ${t.name}?`}
                      onConfirm={async () => {
                        await del(`/api/notifications/targets/${t.name}`);
                        targets.reload();
                      }}
                    />
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      {tested && <p role="status">Test sent: {tested}</p>}
      {manage && targets.data && (
        <ActionForm
          label="Add target"
          action={async () => {
            const { name, kind, url, botToken, chatId, secret } = form;
            await request('POST', '/api/notifications/targets', {
              name,
              kind,
              ...(kind === 'telegram' ? { botToken, chatId } : { url }),
              ...(secret ? { secret } : {}),
            });
            setForm({ name: '', kind: 'generic', url: '', botToken: '', chatId: '', secret: '' });
            targets.reload();
          }}
        >
          <Field label="Target name" value={form.name} required onChange={(name) => setForm({ ...form, name })} />
          <label className="field">
            Kind
            <select value={form.kind} onChange={(event) => setForm({ ...form, kind: event.target.value })}>
              <option>generic</option>
              <option>slack</option>
              <option>telegram</option>
            </select>
          </label>
          {form.kind === 'telegram' ? (
            <>
              <Field label="Bot token (write-only)" type="password" value={form.botToken} required onChange={(botToken) => setForm({ ...form, botToken })} />
              <Field label="Chat id" value={form.chatId} required onChange={(chatId) => setForm({ ...form, chatId })} />
            </>
          ) : (
            <Field label="Webhook URL" type="url" value={form.url} required onChange={(url) => setForm({ ...form, url })} />
          )}
          <Field label="Signing secret (optional, write-only)" type="password" value={form.secret} onChange={(secret) => setForm({ ...form, secret })} />
        </ActionForm>
      )}
    </section>
  );
}

export function Settings() {
  return (
    <>
      <h1>Settings</h1>
      <div className="settings">
        <Repositories />
        <Secrets />
        <Tokens />
        <Clusters />
        <Notifications />
      </div>
    </>
  );
}
