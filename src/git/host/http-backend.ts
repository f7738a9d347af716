import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { ExternalError } from '../../core/index.ts';

export interface GitHttpRequest {
  /** Folder holding the repositories (`GIT_PROJECT_ROOT`). */
  projectRoot: string;
  /** Path below the root, e.g. `/acme/app.git/info/refs`. */
  pathInfo: string;
  method: string;
  query: string;
  headers: IncomingMessage['headers'];
  /** The request body as sent (possibly gzip: git inflates it itself). */
  body: Readable | undefined;
  /** Authenticated login; git refuses receive-pack without one. */
  remoteUser?: string;
  remoteAddr?: string;
  /** Extra environment for git and its hooks. */
  env?: Record<string, string>;
}

/**
 * Serves one smart-HTTP request through git's own `git http-backend` (a
 * CGI program): protocol v2 via `Git-Protocol`, streaming request and
 * response bodies (large and chunked pushes are never buffered), gzip
 * request bodies. Resolves once git has written its whole answer; the
 * caller ends the response (after acting on a push, so that `git push`
 * returns only once its builds are recorded).
 */
export function serveGitHttp(request: GitHttpRequest, response: ServerResponse): Promise<void> {
  const contentLength = request.headers['content-length'];
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: request.projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    GIT_HTTP_MAX_REQUEST_BUFFER: '100M',
    PATH_INFO: request.pathInfo,
    REQUEST_METHOD: request.method,
    QUERY_STRING: request.query,
    CONTENT_TYPE: header(request.headers['content-type']),
    REMOTE_ADDR: request.remoteAddr ?? '127.0.0.1',
    ...(contentLength ? { CONTENT_LENGTH: header(contentLength) } : {}),
    ...(request.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: header(request.headers['content-encoding']) } : {}),
    ...(request.headers['git-protocol'] ? { GIT_PROTOCOL: header(request.headers['git-protocol']) } : {}),
    ...(request.remoteUser ? { REMOTE_USER: request.remoteUser, GIT_COMMITTER_NAME: request.remoteUser } : {}),
    ...request.env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => reject(new ExternalError(`cannot run git http-backend: ${error.message}`)));
    if (request.body) request.body.pipe(child.stdin);
    else child.stdin.end();
    child.stdin.on('error', () => {}); // git may answer before reading the whole body

    let head = Buffer.alloc(0);
    let headerDone = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headerDone) {
        response.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = headerEnd(head);
      if (end < 0) return;
      headerDone = true;
      writeCgiHead(response, head.subarray(0, end.valueOf()).toString('latin1'));
      const rest = head.subarray(end + (head[end] === 13 ? 4 : 2));
      if (rest.length > 0) response.write(rest);
    });
    child.on('close', (code) => {
      if (!headerDone) {
        reject(new ExternalError(`git http-backend failed (exit ${code}): ${stderr.trim()}`));
        return;
      }
      resolve();
    });
  });
}

function header(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

/** Index of the blank line ending CGI headers (`\r\n\r\n` or `\n\n`), or -1. */
function headerEnd(buffer: Buffer): number {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf;
  return lf;
}

function writeCgiHead(response: ServerResponse, text: string): void {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
    else headers[name] = value;
  }
  response.writeHead(status, headers);
}
