import { afterEach, describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, TYPE } from '../../../native-bridge/escl/dnsMessage';
import { browseEscl, scannersFrom, USCANS } from '../../../native-bridge/escl/mdns';
import { advertisedRecords, startResponder, type Responder } from '../../escl-scanner/mdns';

let responder: Responder | undefined;
afterEach(async () => {
  await responder?.close();
  responder = undefined;
});

const ad = {
  instance: 'HP MFP M428 [AB12CD]',
  host: 'hp-m428.local',
  address: '192.168.1.50',
  port: 8080,
  txt: { txtvers: '1', ty: 'HP LaserJet MFP M428', UUID: '564E4333-4C30-3438-3337-A0481C8A1B2C', rs: '/eSCL', is: 'platen,adf' },
};

describe('DNS-SD discovery of eSCL scanners', () => {
  it('asks a responder over UDP and builds the scanner URL from SRV, TXT (rs, uuid, ty; keys in any case) and A', async () => {
    responder = await startResponder(ad);
    const found = await browseEscl({ timeoutMs: 1500, address: '127.0.0.1', port: responder.port });
    expect(responder.queries).toBe(1);
    expect(found).toEqual([{ uuid: '564e4333-4c30-3438-3337-a0481c8a1b2c', url: 'http://192.168.1.50:8080/eSCL/', name: 'HP LaserJet MFP M428' }]);
  });

  it('prefers the HTTPS (_uscans) entry of the same scanner and uses /eSCL/ when rs is missing', () => {
    const recs = advertisedRecords({ ...ad, txt: { uuid: 'abc' } });
    const https = advertisedRecords({ ...ad, port: 443, txt: { uuid: 'abc' } }).map((r) => (r.type === 'PTR' ? { ...r, name: USCANS, target: r.target.replace('_uscan.', '_uscans.') } : r.type === 'SRV' || r.type === 'TXT' ? { ...r, name: r.name.replace('_uscan.', '_uscans.') } : r));
    expect(scannersFrom([...recs, ...https])).toEqual([{ uuid: 'abc', url: 'https://192.168.1.50:443/eSCL/', name: 'HP MFP M428 [AB12CD]' }]);
  });

  it('decodes compressed names and survives truncated or hostile packets with an error, not a hang', () => {
    const msg = encodeMessage({ id: 7, response: true, questions: [{ name: '_uscan._tcp.local', type: TYPE.PTR }], records: advertisedRecords(ad) });
    expect(decodeMessage(msg).records.map((r) => r.type)).toEqual(['PTR', 'SRV', 'TXT', 'A']);
    // A name pointer pointing at itself: refused after a bounded number of jumps.
    const loop = Buffer.from([0, 1, 0x84, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 12, 0, 1]);
    expect(() => decodeMessage(loop)).toThrow(/pointer/);
    expect(() => decodeMessage(msg.subarray(0, msg.length - 3))).toThrow();
  });
});
