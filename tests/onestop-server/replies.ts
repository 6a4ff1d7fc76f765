// HTTP helpers shared by the reference server's modes (protocol v1, dvc-bo, dvcqg).
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function sendRaw(res: ServerResponse, status: number, text: string | Buffer, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** A Buffer body goes as it is (a file download, with its own Content-Type); anything else as JSON. */
export function sendReply(res: ServerResponse, r: Reply): void {
  sendRaw(res, r.status, Buffer.isBuffer(r.body) ? r.body : JSON.stringify(r.body), r.headers);
}

/** The reply is lost: the socket is destroyed and anything later written to RES goes nowhere. */
export function loseReply(res: ServerResponse): void {
  const socket = res.socket;
  const r = res as unknown as Record<string, unknown>;
  r.writeHead = () => res;
  r.write = () => true;
  r.end = (...args: unknown[]) => {
    const cb = args.find((a) => typeof a === 'function') as (() => void) | undefined;
    if (cb) setImmediate(cb);
    return res;
  };
  socket?.destroy();
}

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    total += c.length;
    if (total > limit) return null;
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

export function bearerOf(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  const m = h ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m?.[1] ?? null;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
