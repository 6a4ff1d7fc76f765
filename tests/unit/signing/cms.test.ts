import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { ecdsaRawToDer, encodeSignedAttrs, OID, trimDer } from '../../../electron/core/signing/cms';
import { isoVietnam, pdfDate } from '../../../electron/common/pdfDate';

describe('CMS helpers', () => {
  it('sorts signed attributes in DER SET OF order whatever order they were given in', () => {
    const a = new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: new Uint8Array(32).buffer })] });
    const b = new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] });
    const one = encodeSignedAttrs([a, b]);
    const two = encodeSignedAttrs([b, a]);
    expect(one.der.equals(two.der)).toBe(true);
    expect(one.der[0]).toBe(0x31);
    expect(one.sorted.map((x) => x.type)).toEqual([OID.contentType, OID.messageDigest]);
  });

  it('turns a raw P-256 r||s (as PKCS#11 returns it) into a DER signature Node verifies', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const data = Buffer.from('signed attributes');
    for (let i = 0; i < 20; i++) {
      const raw = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      const der = ecdsaRawToDer(raw);
      expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, der)).toBe(true);
    }
  });

  it('trims the zero padding after a DER object (the /Contents placeholder rest)', () => {
    const body = Buffer.alloc(300, 7);
    const der = Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x2c]), body]);
    expect(trimDer(Buffer.concat([der, Buffer.alloc(100)])).equals(der)).toBe(true);
    expect(trimDer(Buffer.from([0x04, 0x02, 1, 2, 0, 0]))).toEqual(Buffer.from([0x04, 0x02, 1, 2]));
    expect(createHash('sha256').update(trimDer(der)).digest('hex')).toBe(createHash('sha256').update(der).digest('hex'));
  });
});

describe('times in marks and signature dictionaries', () => {
  it('writes Vietnam time (+07:00) in PDF date and ISO 8601 forms', () => {
    const t = new Date('2026-11-25T20:30:05Z');
    expect(pdfDate(t)).toBe("D:20261126033005+07'00'");
    expect(isoVietnam(t)).toBe('2026-11-26T03:30:05+07:00');
  });
});
