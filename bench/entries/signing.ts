/**
 * Signing benchmark: a 20-page A4 (200 dpi) PDF/A signed with a SoftHSM key — token session (C_Login),
 * visible mark with the embedded font subset, CMS, incremental update — target < 1 s per signature (RSA and
 * ECDSA, B-B, median of 5). Also the peak RSS of a separate process signing a 1 000-page document.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openPkcs11Key } from '../../electron/core/signing/pkcs11';
import { signPdf } from '../../electron/core/signing/pades';
import { makePdfA } from '../../tests/signing-infra/pdfs';
import { TestPki } from '../../tests/signing-infra/pki';
import { SOFTHSM_MODULE, TestToken } from '../../tests/signing-infra/softhsm';
import { target, type BenchEntry } from '../lib/types';

const exec = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const entry: BenchEntry = {
  name: 'signing',
  description: 'PAdES signature of a 20-page A4 document with a SoftHSM key; 1 000-page signing RSS',
  async run(ctx) {
    const pki = new TestPki();
    const savedConf = process.env.SOFTHSM2_CONF;
    const token = new TestToken('bench-token');
    try {
      token.addKey(pki, 'Bench RSA', '01', 'rsa');
      token.addKey(pki, 'Bench P256', '02', 'p256');
      const input = await makePdfA(join(ctx.workDir, 'sign-20p.pdf'), 20, { dpi: 200 });
      const runs = ctx.quick ? 3 : 5;
      const times: Record<string, number[]> = { rsa: [], p256: [] };
      for (const [kind, id] of [['rsa', '01'], ['p256', '02']] as const) {
        for (let i = 0; i < runs; i++) {
          const t0 = performance.now();
          const key = await openPkcs11Key({ module: SOFTHSM_MODULE, tokenLabel: token.label, certId: id }, token.pin);
          try {
            await signPdf({
              input,
              output: join(ctx.workDir, `sign-20p-${kind}-${i}.pdf`),
              key,
              level: 'B-B',
              mark: { position: 'top-left', lines: ['Người sao: Nguyễn Văn Bench', 'Thời gian sao: 2026-11-25T09:00:00+07:00'] },
            });
          } finally {
            key.close();
          }
          times[kind]!.push(performance.now() - t0);
        }
      }
      const pages = ctx.quick ? 200 : 1000;
      const long = await makePdfA(join(ctx.workDir, `sign-${pages}p.pdf`), pages, { dpi: 72 });
      const { stdout } = await exec(process.execPath, [join(ROOT, 'bin/run-ts.mjs'), join(ROOT, 'tests/signing-infra/sign-rss-child.ts'), long, join(ctx.workDir, 'sign-long-out.pdf')], {
        timeout: 300_000,
      });
      const rss = JSON.parse(stdout.trim().split('\n').at(-1)!) as { ms: number; peakHwmKb: number; baselineHwmKb: number };
      const rsaMs = median(times.rsa!);
      const ecMs = median(times.p256!);
      ctx.log(`signing: RSA ${rsaMs.toFixed(0)} ms, P-256 ${ecMs.toFixed(0)} ms, ${pages} pages ${rss.ms.toFixed(0)} ms / ${(rss.peakHwmKb / 1024).toFixed(0)} MB`);
      return {
        figures: { runs, rsaMs: times.rsa, p256Ms: times.p256, longPages: pages, longMs: rss.ms, longPeakRssMb: rss.peakHwmKb / 1024, longBaselineRssMb: rss.baselineHwmKb / 1024 },
        targets: [
          target({ id: 'sign.20p.softhsm.rsa', description: 'sign 20-page A4 with SoftHSM RSA-2048 (B-B, visible mark)', value: rsaMs, limit: 1000, unit: 'ms', comparison: '<=' }),
          target({ id: 'sign.20p.softhsm.p256', description: 'sign 20-page A4 with SoftHSM ECDSA P-256 (B-B, visible mark)', value: ecMs, limit: 1000, unit: 'ms', comparison: '<=' }),
          target({ id: `sign.${pages}p.rss`, description: `peak RSS signing a ${pages}-page document`, value: rss.peakHwmKb / 1024, limit: 300, unit: 'MB', comparison: '<=' }),
        ],
        table: [
          ['signing', 'median ms / MB'],
          ['20 p, SoftHSM RSA-2048', rsaMs.toFixed(0)],
          ['20 p, SoftHSM P-256', ecMs.toFixed(0)],
          [`${pages} p, peak RSS (MB)`, (rss.peakHwmKb / 1024).toFixed(0)],
        ],
      };
    } finally {
      token.cleanup();
      await pki.stop();
      if (savedConf === undefined) delete process.env.SOFTHSM2_CONF;
      else process.env.SOFTHSM2_CONF = savedConf;
    }
  },
};

export default entry;
