import { existsSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OneStopServer } from '../../onestop-server/server';
import { until } from '../../helpers/until';
import { enrolStation, getJson, http, json, makePdf, manifest, postJson, sha256, startServer, tusUpload, uploadFile } from './helpers';

let server: OneStopServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function head(base: string, token: string, sha: string) {
  return http(`${base}/v1/files/tus/${sha}`, { method: 'HEAD', headers: { Authorization: `Bearer ${token}`, 'Tus-Resumable': '1.0.0' } });
}

describe('one-stop server: files', () => {
  it('stores an upload under its sha256, finds it by hash and serves the same bytes', async () => {
    server = await startServer();
    const st = await enrolStation(server.url);
    const pdf = await makePdf('giay khai sinh');
    const sha = sha256(pdf);
    expect((await getJson(`${server.url}/v1/files/by-hash/${sha}`, st.token)).status).toBe(404);
    const r = await tusUpload(server.url, st.token, pdf);
    expect(r.ok, `${r.status} ${r.responseText}`).toBe(true);
    expect(r.url).toBe(`${server.url}/v1/files/tus/${sha}`);
    const h = json(await getJson(`${server.url}/v1/files/by-hash/${sha}`, st.token));
    expect(h.data).toMatchObject({ fileId: `F-${sha.slice(0, 16)}`, sha256: sha, size: pdf.length });
    expect(sha256(readFileSync(join(server.dataDir, 'files', sha)))).toBe(sha);
    const dl = await http(`${server.url}/v1/files/${h.data.fileId}`, { headers: { Authorization: `Bearer ${st.token}` } });
    expect(dl.status).toBe(200);
    expect(sha256(dl.body)).toBe(sha);
    expect(server.state().files).toEqual([{ fileId: h.data.fileId, sha256: sha, size: pdf.length, attached: false }]);
  });

  it('resumes an upload at the kept offset after the connection dropped mid-body, and the stored bytes match the hash', async () => {
    server = await startServer();
    const st = await enrolStation(server.url);
    const pdf = await makePdf('resume', 400_000);
    const sha = sha256(pdf);
    server.queueFault('drop-upload');
    const first = await tusUpload(server.url, st.token, pdf, { retryDelays: null });
    expect(first.ok).toBe(false);
    expect(first.status).toBeUndefined(); // no HTTP reply at all: the socket was destroyed
    const h = await head(server.url, st.token, sha);
    expect(h.status).toBe(200);
    const kept = Number(h.headers['upload-offset']);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(pdf.length);
    expect((await getJson(`${server.url}/v1/files/by-hash/${sha}`, st.token)).status).toBe(404);

    const second = await tusUpload(server.url, st.token, pdf);
    expect(second.ok).toBe(true);
    expect(json(await getJson(`${server.url}/v1/files/by-hash/${sha}`, st.token)).data.size).toBe(pdf.length);
    expect(sha256(readFileSync(join(server.dataDir, 'files', sha)))).toBe(sha);
    const s = server.stats();
    expect(s.faults['drop-upload']).toBe(1);
    expect(s.uploads).toMatchObject({ created: 1, completed: 1 });
  });

  it('answers a second creation for the same hash with the existing upload and its offset', async () => {
    server = await startServer();
    const st = await enrolStation(server.url);
    const pdf = await makePdf('twice');
    const sha = sha256(pdf);
    await uploadFile(server.url, st.token, pdf);
    const meta = `sha256 ${Buffer.from(sha).toString('base64')},filename ${Buffer.from('a.pdf').toString('base64')},contentType ${Buffer.from('application/pdf').toString('base64')}`;
    const again = await http(`${server.url}/v1/files/tus/`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${st.token}`, 'Tus-Resumable': '1.0.0', 'Upload-Length': String(pdf.length), 'Upload-Metadata': meta },
    });
    expect(again.status).toBe(201);
    expect(again.headers.location).toBe(`/v1/files/tus/${sha}`);
    expect(again.headers['upload-offset']).toBe(String(pdf.length));
    // tus-js-client told to create anyway (no uploadUrl) still ends with the one stored file
    expect((await tusUpload(server.url, st.token, pdf)).ok).toBe(true);
    expect(server.state().files).toHaveLength(1);
    expect(server.stats().uploads.existingAnswered).toBeGreaterThanOrEqual(1);
  });

  it('discards an upload whose bytes do not match its sha256, so HEAD and by-hash show no file', async () => {
    server = await startServer();
    const st = await enrolStation(server.url);
    const pdf = await makePdf('claimed');
    const other = await makePdf('actual');
    const claimed = sha256(pdf);
    const r = await tusUpload(server.url, st.token, other, { sha: claimed });
    expect(r.ok).toBe(false);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.responseText ?? '{}').data).toMatchObject({ reason: 'hash_mismatch', expected: claimed, actual: sha256(other) });
    expect((await head(server.url, st.token, claimed)).status).toBe(404);
    expect((await getJson(`${server.url}/v1/files/by-hash/${claimed}`, st.token)).status).toBe(404);
    expect(existsSync(join(server.dataDir, 'files', claimed))).toBe(false);
    // the client re-uploads the right bytes from scratch
    expect((await tusUpload(server.url, st.token, pdf)).ok).toBe(true);
    expect(server.stats().uploads).toMatchObject({ hashMismatches: 1, completed: 1 });
  });

  it('accepts only PDFs within the size limit', async () => {
    server = await startServer({ maxFileMb: 0.05 });
    const st = await enrolStation(server.url);
    const text = Buffer.from('not a pdf at all, just text\n'.repeat(10));
    const notPdf = await tusUpload(server.url, st.token, text);
    expect(notPdf.status).toBe(400);
    expect(JSON.parse(notPdf.responseText ?? '{}').data.reason).toBe('not_pdf');
    const wrongType = await tusUpload(server.url, st.token, await makePdf('x'), { contentType: 'image/jpeg' });
    expect(wrongType.status).toBe(400);
    expect(JSON.parse(wrongType.responseText ?? '{}').data.errors[0].field).toBe('contentType');
    const longName = await tusUpload(server.url, st.token, await makePdf('x'), { filename: `${'a'.repeat(4001)}.pdf` });
    expect(longName.status).toBe(400);
    const big = await tusUpload(server.url, st.token, await makePdf('big', 60_000));
    expect(big.status).toBe(413);
    expect(server.state().files).toEqual([]);
  });

  it('keeps a file whose completing reply was lost (orphan) so the retry finds it by hash instead of uploading again', async () => {
    server = await startServer();
    const st = await enrolStation(server.url);
    const pdf = await makePdf('orphan', 20_000);
    const sha = sha256(pdf);
    server.queueFault('orphan');
    const r = await tusUpload(server.url, st.token, pdf, { retryDelays: null });
    expect(r.ok).toBe(false);
    expect(server.stats().faults.orphan).toBe(1);
    const h = await getJson(`${server.url}/v1/files/by-hash/${sha}`, st.token);
    expect(h.status).toBe(200);
    expect(server.state().files).toEqual([{ fileId: `F-${sha.slice(0, 16)}`, sha256: sha, size: pdf.length, attached: false }]);
    expect(server.stats().uploads).toMatchObject({ created: 1, redundantRequests: 0 });
    // a client that skips by-hash and goes to tus again is counted (it sends no bytes: HEAD says complete)
    expect((await tusUpload(server.url, st.token, pdf)).ok).toBe(true);
    expect(server.stats().uploads).toMatchObject({ created: 1, completed: 1, redundantRequests: 1 });
  });

  it('keeps stored files, partial uploads and dossiers across a server restart on the same data directory', async () => {
    server = await startServer();
    const dataDir = server.dataDir;
    const st = await enrolStation(server.url);
    const done = await uploadFile(server.url, st.token, await makePdf('done'));
    const partial = await makePdf('partial', 100_000);
    server.queueFault('drop-upload');
    expect((await tusUpload(server.url, st.token, partial, { retryDelays: null })).ok).toBe(false);
    const code = json(await postJson(`${server.url}/v1/dossiers/commit`, manifest(st.stationId, 'R-1', [done]), st.token)).data.dossierCode as string;
    await server.close();

    server = await startServer({ dataDir });
    expect((await getJson(`${server.url}/v1/files/by-hash/${done.sha256}`, st.token)).status).toBe(200);
    const kept = Number((await head(server.url, st.token, sha256(partial))).headers['upload-offset']);
    expect(kept).toBeGreaterThan(0);
    expect((await tusUpload(server.url, st.token, partial)).ok).toBe(true);
    const again = await postJson(`${server.url}/v1/dossiers/commit`, manifest(st.stationId, 'R-1', [done]), st.token);
    expect(again.status).toBe(409);
    expect(json(again).data.dossierCode).toBe(code);
    expect(server.stats().uploads.created).toBe(0);
  });
});

describe('one-stop server: a station killed mid-upload', () => {
  it('keeps the bytes that arrived before the client vanished and lets the next run resume at once', async () => {
    server = await startServer();
    const st = await enrolStation(server.url);
    const pdf = await makePdf('killed', 300_000);
    const sha = sha256(pdf);
    const meta = `sha256 ${Buffer.from(sha).toString('base64')},filename ${Buffer.from('k.pdf').toString('base64')},contentType ${Buffer.from('application/pdf').toString('base64')}`;
    const auth = { Authorization: `Bearer ${st.token}`, 'Tus-Resumable': '1.0.0' };
    const created = await http(`${server.url}/v1/files/tus/`, { method: 'POST', headers: { ...auth, 'Upload-Length': String(pdf.length), 'Upload-Metadata': meta } });
    expect(created.status).toBe(201);
    // a raw PATCH whose client dies after sending 100 kB of 300+ kB (no FIN handshake, just gone)
    const { port } = new URL(server.url);
    const sock = connect(Number(port), '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.write(
      `PATCH /v1/files/tus/${sha} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${st.token}\r\nTus-Resumable: 1.0.0\r\n` +
        `Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: ${pdf.length}\r\n\r\n`,
    );
    sock.write(pdf.subarray(0, 100_000));
    // The client dies once the server has stored what it sent (waited for on disk: a reset that lands before the
    // server read the bytes discards them in the kernel, and that is no test of the server).
    const partial = join(server.dataDir, 'files', sha);
    await until('the server to store the 100 kB sent', () => existsSync(partial) && statSync(partial).size === 100_000);
    sock.resetAndDestroy();
    const h = await head(server.url, st.token, sha);
    expect(h.status).toBe(200);
    expect(Number(h.headers['upload-offset'])).toBe(100_000);
    // "At once": the dead request holds nothing (no lock to wait out, no 423): the resume needs no retry.
    const resumed = await tusUpload(server.url, st.token, pdf, { retryDelays: null });
    expect(resumed.ok, `${resumed.status} ${resumed.responseText} ${resumed.error?.message}`).toBe(true);
    expect(sha256(readFileSync(join(server.dataDir, 'files', sha)))).toBe(sha);
    expect(json(await getJson(`${server.url}/v1/files/by-hash/${sha}`, st.token)).data.size).toBe(pdf.length);
  });
});

describe('one-stop server: iGate-style one-shot upload', () => {
  function multipart(parts: { name: string; bytes: Buffer }[]): { body: Buffer; type: string } {
    const boundary = `----sohoa${Date.now()}`;
    const chunks: Buffer[] = [];
    for (const p of parts) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${p.name}"\r\nContent-Type: application/pdf\r\n\r\n`), p.bytes, Buffer.from('\r\n'));
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
  }

  it('stores multipart `files` parts by hash and answers IdTepTin/HashTepTin, usable in a commit and a lookup by code', async () => {
    server = await startServer();
    const st = await enrolStation(server.url);
    const a = await makePdf('mp a');
    const b = await makePdf('mp b');
    const m = multipart([{ name: 'a.pdf', bytes: a }, { name: 'b.pdf', bytes: b }]);
    const r = await http(`${server.url}/v1/files`, { method: 'POST', headers: { Authorization: `Bearer ${st.token}`, 'Content-Type': m.type }, body: m.body });
    expect(r.status).toBe(201);
    const files = json(r).data as { IdTepTin: string; HashTepTin: string; filename: string; size: number }[];
    expect(files.map((f) => f.HashTepTin)).toEqual([sha256(a), sha256(b)]);
    expect(files[0]).toMatchObject({ IdTepTin: `F-${sha256(a).slice(0, 16)}`, filename: 'a.pdf', size: a.length });
    expect(sha256(readFileSync(join(server.dataDir, 'files', sha256(b))))).toBe(sha256(b));
    // the same bytes again: same record, still one file
    const again = await http(`${server.url}/v1/files`, { method: 'POST', headers: { Authorization: `Bearer ${st.token}`, 'Content-Type': m.type }, body: m.body });
    expect(json(again).data).toEqual(json(r).data);
    expect(server.state().files).toHaveLength(2);

    const docs = files.map((f) => ({ fileId: f.IdTepTin, sha256: f.HashTepTin }));
    const c = json(await postJson(`${server.url}/v1/dossiers/commit`, manifest(st.stationId, 'MP-1', docs), st.token)).data;
    const byCode = json(await getJson(`${server.url}/v1/dossiers?code=${c.dossierCode}`, st.token)).data;
    expect(byCode.receipt.files).toHaveLength(2);

    const text = multipart([{ name: 'x.pdf', bytes: Buffer.from('plain text') }]);
    const bad = await http(`${server.url}/v1/files`, { method: 'POST', headers: { Authorization: `Bearer ${st.token}`, 'Content-Type': text.type }, body: text.body });
    expect(bad.status).toBe(400);
    expect(json(bad).data.reason).toBe('not_pdf');
  });
});
