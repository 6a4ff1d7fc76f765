import { afterEach, describe, expect, it } from 'vitest';
import { assertNoDemoSignature, DEMO_CERT_NAME, DEMO_P12_PASSWORD } from '../../../electron/core/signing/demoCert';
import { verifyPdf } from '../../../electron/core/signing/verify';
import { signedInClient } from '../../helpers/session';
import { lowRes, openDemoStation, waitJob, type DemoStation } from '../capture/harness';

let demo: DemoStation | undefined;
afterEach(async () => {
  await demo?.close();
  demo = undefined;
});

describe('the demo signing certificate', () => {
  it('is offered in demo mode without a server, signs, is refused by sync, and disappears once a server is configured', async () => {
    demo = await openDemoStation();
    const { station, client, componentId, dossierId } = demo;
    const listed = await client.call('signing.listCertificates', {});
    expect(listed.ok).toBe(true);
    const entry = listed.ok ? listed.value.find((c) => c.demo === true) : undefined;
    expect(entry?.commonName).toBe(DEMO_CERT_NAME);

    const scan = await client.call('scan.start', { deviceId: 'sane:test:0', profile: { ...lowRes({ 'test-picture': 'Color pattern' }), source: 'flatbed' }, componentId });
    expect(scan.ok).toBe(true);
    if (scan.ok) await waitJob(client, scan.value.id);
    const doc = await client.call('documents.assemble', { componentId });
    expect(doc.ok, JSON.stringify(doc)).toBe(true);
    if (!doc.ok || !entry) return;
    const signed = await client.call('documents.sign', { documentId: doc.value.documentId, role: 'clerk', key: entry.key, password: DEMO_P12_PASSWORD });
    expect(signed.ok, JSON.stringify(signed)).toBe(true);
    if (!signed.ok) return;
    // The signature is real (intact) and names the demo certificate for every reader.
    const report = await station.blobs.withPlainFile(signed.value.sha256, (file) => verifyPdf(file));
    expect(report.signatures[0]?.intact).toBe(true);
    expect(report.signatures[0]?.signer?.name).toBe(DEMO_CERT_NAME);

    // Sync refuses the dossier.
    expect(() => assertNoDemoSignature(station, dossierId)).toThrowError(expect.objectContaining({ code: 'DEMO_CERTIFICATE' }) as Error);

    // Once a one-stop server is configured: not offered, and a call naming it is refused.
    const admin = await signedInClient(station, demo.dispatcher, 'admin'); // the server is an admin's setting
    const cfg = await admin.call('sync.configure', { server: 'https://motcua.example.gov.vn', agencyCode: 'H15.50' });
    expect(cfg.ok, JSON.stringify(cfg)).toBe(true);
    const again = await client.call('signing.listCertificates', {});
    expect(again.ok && again.value.some((c) => c.demo === true)).toBe(false);
    const doc2 = await client.call('documents.assemble', { componentId });
    expect(doc2.ok).toBe(true);
    if (!doc2.ok) return;
    const refused = await client.call('documents.sign', { documentId: doc2.value.documentId, role: 'clerk', key: entry.key, password: DEMO_P12_PASSWORD });
    expect(refused).toMatchObject({ ok: false, error: { code: 'DEMO_CERTIFICATE' } });
  });
});
