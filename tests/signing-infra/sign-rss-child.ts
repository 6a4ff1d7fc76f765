/**
 * Child process: signs IN.pdf with a fresh RSA key (B-B, visible clerk mark) and reports its own peak RSS
 * (VmHWM), so the figure shows what signing costs, not what made the input.
 * node bin/run-ts.mjs tests/signing-infra/sign-rss-child.ts IN.pdf OUT.pdf [WARM.pdf]
 * With WARM.pdf, the child first signs that small document (to OUT.pdf.warm.pdf) and takes the baseline after it: the
 * code, the mark's font and the JIT are then already in memory, so the growth measured is what the long document
 * itself costs. Without it the baseline is taken before the first signature.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { keyObjectSigner } from '../../electron/core/signing/p12';
import { signPdf } from '../../electron/core/signing/pades';

const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN);

/** A self-signed certificate for a fresh key (no CA needed for a memory figure). */
async function selfSigned(): Promise<{ key: ReturnType<typeof generateKeyPairSync>['privateKey']; cert: Buffer }> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ value: 1 });
  const name = [new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: 'RSS Signer' }) })];
  cert.issuer.typesAndValues = name;
  cert.subject.typesAndValues = name;
  cert.notBefore.value = new Date(Date.now() - 3600_000);
  cert.notAfter.value = new Date(Date.now() + 86400_000);
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  cert.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(spki);
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const subtle = globalThis.crypto.subtle;
  const ck = await subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  await cert.sign(ck, 'SHA-256');
  return { key: privateKey, cert: Buffer.from(cert.toSchema().toBER(false)) };
}

const [input, output, warm] = process.argv.slice(2);
const { key, cert } = await selfSigned();
const mark = { position: 'top-left' as const, lines: ['Người sao: Kiểm thử bộ nhớ', 'Thời gian sao: 2026-11-25T09:00:00+07:00'] };
if (warm) await signPdf({ input: warm, output: `${output!}.warm.pdf`, key: keyObjectSigner(key, cert, []), level: 'B-B', mark });
const baseline = kb('VmHWM');
const t0 = performance.now();
await signPdf({ input: input!, output: output!, key: keyObjectSigner(key, cert, []), level: 'B-B', mark });
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ ms, baselineHwmKb: baseline, peakHwmKb: kb('VmHWM') })}\n`);
