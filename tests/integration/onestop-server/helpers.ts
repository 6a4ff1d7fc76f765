// Plain HTTP(S) + tus-js-client helpers for testing the reference one-stop server from the outside.
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { DefaultHttpStack, Upload, type DetailedError } from 'tus-js-client';
import { startOneStopServer, type OneStopServer, type OneStopServerOptions } from '../../onestop-server/server';
import { tempDir } from '../../helpers/tmp';

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  body: Buffer;
}

/** One request, no retries; a dropped connection rejects (like every real client sees it). */
export function http(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; ca?: string } = {},
): Promise<HttpReply> {
  const u = new URL(url);
  const fn = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = fn(
      u,
      { method: opts.method ?? 'GET', headers: { ...opts.headers }, ca: opts.ca, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: body.toString('utf8'), body });
        });
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export function json(r: HttpReply): Json {
  return JSON.parse(r.text) as Json;
}

export async function postJson(url: string, body: unknown, token?: string, ca?: string): Promise<HttpReply> {
  return http(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    ca,
  });
}

export async function getJson(url: string, token?: string, ca?: string): Promise<HttpReply> {
  return http(url, { headers: token ? { Authorization: `Bearer ${token}` } : {}, ca });
}

export async function startServer(opts: Partial<OneStopServerOptions> = {}): Promise<OneStopServer> {
  return startOneStopServer({ dataDir: tempDir('onestop-'), enrolmentCodes: ['CODE-1', 'CODE-2'], seed: 1, ...opts });
}

export interface Station {
  stationId: string;
  clientId: string;
  clientSecret: string;
  token: string;
}

export async function tokenFor(base: string, clientId: string, clientSecret: string, ca?: string): Promise<HttpReply> {
  return http(`${base}/v1/oauth/token`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
    ca,
  });
}

export async function enrolStation(base: string, code = 'CODE-1', stationId = 'ST-A', ca?: string): Promise<Station> {
  const e = await postJson(`${base}/v1/enrol`, { enrolmentCode: code, stationId, stationName: `Trạm ${stationId}` }, undefined, ca);
  if (e.status !== 201) throw new Error(`enrol ${e.status} ${e.text}`);
  const { clientId, clientSecret } = json(e).data as { clientId: string; clientSecret: string };
  const t = await tokenFor(base, clientId, clientSecret, ca);
  if (t.status !== 200) throw new Error(`token ${t.status} ${t.text}`);
  return { stationId, clientId, clientSecret, token: json(t).access_token as string };
}

/** A small real PDF with a unique text line and PAD random bytes in an unreferenced stream (to make it larger). */
export async function makePdf(label: string, pad = 0): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  page.drawText(`${label} ${randomBytes(6).toString('hex')}`, { x: 50, y: 780, size: 14, font });
  if (pad > 0) doc.context.register(doc.context.stream(randomBytes(pad)));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

export interface TusResult {
  ok: boolean;
  error?: DetailedError | Error;
  status?: number;
  responseText?: string;
  url?: string | null;
}

/** tus-js-client upload addressed by sha256 (the flow recommended in docs/sync-protocol.md §3.2). */
export function tusUpload(
  base: string,
  token: string,
  bytes: Buffer,
  opts: { sha?: string; filename?: string; contentType?: string; retryDelays?: number[] | null; ca?: string } = {},
): Promise<TusResult> {
  const sha = opts.sha ?? sha256(bytes);
  return new Promise((resolve) => {
    const up = new Upload(bytes, {
      endpoint: `${base}/v1/files/tus/`,
      uploadUrl: `${base}/v1/files/tus/${sha}`,
      metadata: { sha256: sha, filename: opts.filename ?? `${sha.slice(0, 8)}.pdf`, contentType: opts.contentType ?? 'application/pdf' },
      uploadSize: bytes.length,
      retryDelays: opts.retryDelays === undefined ? [0, 50, 100, 200] : opts.retryDelays,
      headers: { Authorization: `Bearer ${token}` },
      httpStack: new DefaultHttpStack(opts.ca ? { ca: opts.ca } : {}),
      onError: (err) => {
        const de = err as DetailedError;
        resolve({ ok: false, error: err, status: de.originalResponse?.getStatus(), responseText: de.originalResponse?.getBody() });
      },
      onSuccess: () => resolve({ ok: true, url: up.url }),
    });
    up.start();
  });
}

export function manifest(stationId: string, draftId: string, docs: { fileId: string; sha256: string; fileName?: string }[], over: Record<string, unknown> = {}) {
  return {
    draftId,
    stationId,
    procedureCode: '1.001193',
    agencyCode: 'H15.50',
    receivedAt: '2025-12-03T08:15:00+07:00',
    channel: 1,
    summary: 'Đăng ký khai sinh cho con ông Nguyễn Văn A',
    owner: { kind: 'citizen', idType: 'cccd', id: '001085012345', name: 'Nguyễn Văn A' },
    components: [
      {
        typeCode: 'TP-KS-01',
        name: 'Tờ khai đăng ký khai sinh',
        kind: 'intake',
        copyType: 'original',
        digitised: 1,
        reuse: 'none',
        fromNationalStore: 0,
        documents: docs.map((d) => ({
          fileId: d.fileId,
          sha256: d.sha256,
          fileName: d.fileName ?? 'to-khai.pdf',
          pageCount: 1,
          pdfaLevel: '2b',
          signatures: [{ role: 'clerk', signer: 'Trần Thị B', level: 'PAdES-B-T', signedAt: '2025-12-03T08:20:00+07:00' }],
        })),
      },
    ],
    ...over,
  };
}

/** Uploads BYTES and returns the server's file record (via by-hash). */
export async function uploadFile(base: string, token: string, bytes: Buffer): Promise<{ fileId: string; sha256: string }> {
  const r = await tusUpload(base, token, bytes);
  if (!r.ok) throw new Error(`upload failed: ${r.status} ${r.responseText} ${r.error?.message}`);
  const h = await getJson(`${base}/v1/files/by-hash/${sha256(bytes)}`, token);
  if (h.status !== 200) throw new Error(`by-hash ${h.status}`);
  return json(h).data as { fileId: string; sha256: string };
}
