import { afterEach, describe, expect, it } from 'vitest';
import { MODE_FAULT_KINDS } from '../../onestop-server/faults';
import type { OneStopServer } from '../../onestop-server/server';
import { enrolStation, getJson, makePdf, manifest, postJson, sha256, startServer, tokenFor, tusUpload, type HttpReply, type Station } from './helpers';

// Protocol v1 mode: every kind that mode can fire ('error-code' exists only in the dvcqg mode).
const FAULT_KINDS = MODE_FAULT_KINDS['sohoa-v1'];

let server: OneStopServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The envelope, or null when the reply is truncated/malformed (then nothing is known about the outcome). */
function envelope(r: HttpReply | null): { code: number; data: Record<string, unknown> } | null {
  if (!r) return null;
  try {
    const j = JSON.parse(r.text) as { code?: unknown; data?: unknown };
    return typeof j.code === 'number' && j.code === r.status && j.data && typeof j.data === 'object' ? (j as { code: number; data: Record<string, unknown> }) : null;
  } catch {
    return null;
  }
}

/**
 * A deliberately simple client following docs/sync-protocol.md (by-hash before upload, lookup before commit, one token
 * refresh on 401, retry everything else). It exists to prove the server stays consistent under every fault; the
 * station's own sync engine is tested against this server in its own suite.
 */
async function deliver(base: string, st: Station, draftId: string, pdfs: Buffer[]): Promise<string> {
  const refresh = async () => {
    const r = await tokenFor(base, st.clientId, st.clientSecret).catch(() => null);
    const j = envelope(r); // the token reply can be truncated or malformed too
    if (j?.code === 200 && typeof j.data.access_token === 'string') st.token = j.data.access_token;
  };
  const files: { fileId: string; sha256: string }[] = [];
  for (const pdf of pdfs) {
    const sha = sha256(pdf);
    for (let attempt = 0; ; attempt++) {
      if (attempt > 200) throw new Error(`file ${sha} never stored`);
      const h = envelope(await getJson(`${base}/v1/files/by-hash/${sha}`, st.token).catch(() => null));
      if (h?.code === 200 && h.data.sha256 === sha) {
        files.push({ fileId: String(h.data.fileId), sha256: sha });
        break;
      }
      if (h?.code === 401) {
        await refresh();
        continue;
      }
      if (h?.code !== 404) continue;
      const up = await tusUpload(base, st.token, pdf);
      if (!up.ok && up.status === 401) await refresh();
      if (!up.ok && up.status === 400) throw new Error(`upload refused: ${up.responseText}`);
    }
  }
  const body = manifest(st.stationId, draftId, files);
  for (let attempt = 0; ; attempt++) {
    if (attempt > 200) throw new Error(`dossier ${draftId} never committed`);
    const look = envelope(await getJson(`${base}/v1/dossiers?draftId=${draftId}`, st.token).catch(() => null));
    if (look?.code === 401) {
      await refresh();
      continue;
    }
    let reply = look;
    if (look?.code === 404) reply = envelope(await postJson(`${base}/v1/dossiers/commit`, body, st.token).catch(() => null));
    if (reply?.code === 401) await refresh();
    if (reply?.code === 400 || reply?.code === 403) throw new Error(`commit refused: ${JSON.stringify(reply)}`);
    if (reply && [200, 201, 409].includes(reply.code)) {
      const receipt = reply.data.receipt as { files: { sha256: string }[] } | undefined;
      const listed = new Set(receipt?.files.map((f) => f.sha256));
      if (typeof reply.data.dossierCode === 'string' && files.every((f) => listed.has(f.sha256))) return reply.data.dossierCode;
    }
  }
}

describe('one-stop server under random faults', () => {
  it('stays consistent while every fault kind fires: each dossier once, each file once, every hash matching', async () => {
    const seed = Number(process.env.ONESTOP_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`one-stop random-fault seed: ${seed} (rerun with ONESTOP_SEED=${seed})`);
    server = await startServer({ seed });
    const st = await enrolStation(server.url);
    server.setFaults({ delay: { p: 0.05, param: 50 }, '429': { p: 0.03, param: 0 } }, { random: true, seed });
    const expected = new Map<string, { code: string; hashes: string[] }>();
    const maxBatches = Number(process.env.SOHOA_SOAK ? 400 : 150);
    let n = 0;
    for (; n < maxBatches; n++) {
      const pdfs = await Promise.all(Array.from({ length: 1 + (n % 3) }, (_, i) => makePdf(`batch ${n} doc ${i}`, (n % 4) * 30_000)));
      const draftId = `ST-A-RF-${String(n).padStart(4, '0')}`;
      const code = await deliver(server.url, st, draftId, pdfs);
      expected.set(draftId, { code, hashes: pdfs.map(sha256).sort() });
      const fired = server.stats().faults;
      if (n >= 15 && FAULT_KINDS.every((k) => fired[k] > 0) && !process.env.SOHOA_SOAK) break;
    }
    server.setFaults({});
    const stats = server.stats();
    console.log(`one-stop random faults after ${expected.size} batches: ${JSON.stringify(stats.faults)}`);
    for (const k of FAULT_KINDS) expect(stats.faults[k], `fault ${k} never fired`).toBeGreaterThan(0);

    const state = server.state();
    expect(state.dossiers).toHaveLength(expected.size);
    for (const d of state.dossiers) {
      const want = expected.get(d.draftId);
      expect(want, d.draftId).toBeDefined();
      expect(d.dossierCode).toBe(want?.code);
      expect(d.files.map((f) => f.sha256).sort()).toEqual(want?.hashes);
    }
    const allHashes = [...expected.values()].flatMap((e) => e.hashes);
    expect(state.files.map((f) => f.sha256).sort()).toEqual([...new Set(allHashes)].sort());
    expect(state.files.every((f) => f.attached)).toBe(true);
    expect(new Set(state.dossiers.map((d) => d.dossierCode)).size).toBe(state.dossiers.length);
    const { createHash } = await import('node:crypto');
    const { readFileSync } = await import('node:fs');
    for (const f of state.files) {
      expect(createHash('sha256').update(readFileSync(`${server.dataDir}/files/${f.sha256}`)).digest('hex')).toBe(f.sha256);
    }
  });
});
