import { existsSync, readFileSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UI_CONTENT_TYPES } from '../../common/contentTypes';

export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../../dist/renderer/', import.meta.url));


export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>SoHoa Station</title>
<p>Giao diện chưa được build. Chạy <code>npm run build:renderer</code>. / The UI is not built: run <code>npm run build:renderer</code>.</p>`;

/** Serves the built renderer (no token needed: the page reads the token from its URL fragment). */
export function serveStatic(urlPath: string, res: ServerResponse, port: number, dir: string = DEFAULT_UI_DIR): void {
  const headers = {
    'Content-Security-Policy': contentSecurityPolicy(port),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    res.writeHead(400, headers).end();
    return;
  }
  if (rel === '/' || rel === '') rel = '/index.html';
  const root = normalize(dir.endsWith(sep) ? dir : dir + sep);
  const file = normalize(join(root, rel));
  if (!file.startsWith(root)) {
    res.writeHead(404, headers).end();
    return;
  }
  let target = file;
  if (!existsSync(target) || !statSync(target).isFile()) {
    // Client-side routes fall back to the app shell.
    target = join(root, 'index.html');
    if (!existsSync(target)) {
      res.writeHead(rel === '/index.html' ? 200 : 404, { ...headers, 'Content-Type': UI_CONTENT_TYPES['.html']! }).end(NOT_BUILT);
      return;
    }
  }
  res.writeHead(200, { ...headers, 'Content-Type': UI_CONTENT_TYPES[extname(target)] ?? 'application/octet-stream' }).end(readFileSync(target));
}
