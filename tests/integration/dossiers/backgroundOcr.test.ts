import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { StationEvent } from '../../../electron/common/api';
import { foldText } from '../../../electron/common/search';
import { DEMO_P12_PASSWORD } from '../../../electron/core/signing/demoCert';
import { renderPage } from '../../fixtures/pages/generate';
import { signedInClient } from '../../helpers/session';
import { tempDir } from '../../helpers/tmp';
import { esclStations } from '../capture/esclStation';
import { waitJob } from '../capture/harness';

/**
 * Searchable text made in the background (issue 20): with OCR on, an assembled document gets a queued OCR job;
 * signing waits for it (progress on `document.ocr`), so the signed PDF carries the invisible Vietnamese text
 * layer (pdftotext reads the page's words, NFC), and the dossier search finds the dossier by a word printed on
 * its page, typed without diacritics. Real station, the virtual eSCL scanner, Debian's tesseract-ocr-vie.
 */
const escl = esclStations();

const words = (s: string): string[] => s.normalize('NFC').split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 4);

describe('background OCR of dossier documents', () => {
  it('signs with the text layer once the queued OCR job has read the page, and finds the dossier by a word on it', async () => {
    const page = await renderPage({ seed: 5, dpi: 200, seal: false });
    const dir = tempDir('sohoa-ocr-pages-');
    await sharp(page.pixels, { raw: { width: page.width, height: page.height, channels: page.channels } }).withMetadata({ density: 200 }).png().toFile(join(dir, '01.png'));
    const { s: open, deviceId } = await escl.open({ pagesDir: dir, duplex: false });
    const { station, client, componentId, dossierId } = open;
    const admin = await signedInClient(station, open.dispatcher, 'admin');
    expect(await admin.call('documents.setOcr', { lang: 'vie' })).toEqual({ ok: true, value: { lang: 'vie' } });
    // OCR is an admin's setting: a clerk cannot turn it off.
    expect(await client.call('documents.setOcr', { lang: null })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const scan = await client.call('scan.start', { deviceId, profile: 'colour-200-feeder', componentId });
    if (!scan.ok) throw new Error(JSON.stringify(scan.error));
    await waitJob(client, scan.value.id, (j) => j.state !== 'running', 300_000);
    await open.capture.analyse.idle();

    const events: StationEvent[] = [];
    station.events.on('event', (e: StationEvent) => events.push(e));
    const doc = await client.call('documents.assemble', { componentId });
    if (!doc.ok) throw new Error(JSON.stringify(doc.error));
    const documentId = doc.value.documentId;
    // Assembly did not wait for tesseract: the job is queued, the assembled bytes have no text yet.
    expect(await client.call('documents.ocrStatus', { documentId })).toMatchObject({ ok: true, value: { state: 'queued', pagesDone: 0, pagesTotal: 1 } });
    const assembled = join(tempDir(), 'assembled.pdf');
    writeFileSync(assembled, station.blobs.get(doc.value.sha256, { verify: true }));
    expect(execFileSync('pdftotext', [assembled, '-'], { encoding: 'utf8' }).trim()).toBe('');
    // Nothing to find yet by the page's words.
    const truth = words(page.text);
    // Words with diacritics that the dossier's own fields (owner name, ids) do not hold.
    const fields = foldText('Nguyễn Văn A 001099012345');
    const searchable = (w: string): boolean => w !== foldText(w) && !fields.includes(foldText(w));
    const probe = truth.filter(searchable).sort((a, b) => b.length - a.length)[0]!;
    expect(await client.call('dossiers.search', { query: foldText(probe) })).toEqual({ ok: true, value: [] });

    const certs = await client.call('signing.listCertificates', {});
    const demo = certs.ok ? certs.value.find((c) => c.demo === true) : undefined;
    if (!demo) throw new Error('no demo certificate');
    const signed = await client.call('documents.sign', { documentId, role: 'clerk', key: demo.key, password: DEMO_P12_PASSWORD });
    expect(signed.ok, JSON.stringify(signed)).toBe(true);
    if (!signed.ok) return;
    // Progress went out while signing waited: running with its page, then done — before the signature.
    const ocr = events.filter((e) => e.type === 'document.ocr').map((e) => e.data as { state: string; pagesDone: number });
    expect(ocr.map((o) => `${o.state}:${o.pagesDone}`)).toEqual(['queued:0', 'running:0', 'running:1', 'done:1']);
    expect(await client.call('documents.ocrStatus', { documentId })).toMatchObject({ ok: true, value: { state: 'done', pagesDone: 1 } });

    // The signed PDF carries the text: pdftotext reads the page's Vietnamese words in NFC.
    const out = join(tempDir(), 'signed.pdf');
    writeFileSync(out, station.blobs.get(signed.value.sha256, { verify: true }));
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', out, '-'], { encoding: 'utf8' });
    expect(text).toBe(text.normalize('NFC'));
    const read = new Set(words(text));
    const found = truth.filter((w) => read.has(w)).length / truth.length;
    expect(found, `words of the page found in the signed PDF's text`).toBeGreaterThan(0.85);

    // Search in the station's own text, typed without diacritics; a word not on the page finds nothing.
    const hit = [...read].filter((w) => searchable(w) && truth.includes(w)).sort((a, b) => b.length - a.length)[0] ?? probe;
    const byWord = await client.call('dossiers.search', { query: foldText(hit) });
    expect(byWord.ok && byWord.value.map((d) => d.id)).toEqual([dossierId]);
    const none = await client.call('dossiers.search', { query: 'xylophonequaxanh' });
    expect(none.ok && none.value).toEqual([]);
  });
});
