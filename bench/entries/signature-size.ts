/**
 * What a PAdES B-T signature adds to a document (RSA-2048 .p12, the test PKI's `openssl ts` TSA): invisible,
 * with the clerk's mark (first signature: its font subset is embedded), and the agency's "SAO Y" mark signed
 * after it (glyphs the clerk's subset holds are shared). Target per signature: growth ≤ 2 × CMS + 4 KB (the
 * hex of /Contents doubles the CMS; the rest is the field, widget, appearance, font and xref).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { openP12Key } from '../../electron/core/signing/p12';
import { signPdf, type SignPdfOptions } from '../../electron/core/signing/pades';
import { makePdfA } from '../../tests/signing-infra/pdfs';
import { TestPki } from '../../tests/signing-infra/pki';
import { extractSignatures } from '../../tests/signing-infra/validators';
import { target, type BenchEntry, type BenchTarget } from '../lib/types';

const entry: BenchEntry = {
  name: 'signature-size',
  description: 'bytes a PAdES B-T signature adds (invisible, clerk mark, agency mark after it) against 2 × CMS + 4 KB',
  async run(ctx) {
    const pki = new TestPki();
    try {
      await pki.start();
      const clerk = pki.issue('Nguyen Van Clerk', 'rsa');
      const agency = pki.issue('UBND xa Hoa Binh', 'rsa');
      const input = await makePdfA(join(ctx.workDir, 'sigsize-in.pdf'), 1, { dpi: 200 });
      const sign = async (from: string, to: string, who: typeof clerk, mark: SignPdfOptions['mark']): Promise<{ growth: number; cms: number }> => {
        await signPdf({ input: from, output: to, key: openP12Key(who.p12, who.p12Password), level: 'B-T', tsa: { url: pki.tsaUrl }, mark });
        const sigs = extractSignatures(to);
        return { growth: statSync(to).size - statSync(from).size, cms: sigs.at(-1)!.cms.length };
      };
      const cases = {
        invisible: await sign(input, join(ctx.workDir, 'sig-invisible.pdf'), clerk, null),
        clerkMark: await sign(input, join(ctx.workDir, 'sig-clerk.pdf'), clerk, {
          position: 'top-left',
          lines: ['Người sao: Nguyễn Văn Clerk', 'Thời gian sao: 2026-11-25T09:30:00+07:00'],
        }),
        agencyMarkAfterClerk: await sign(join(ctx.workDir, 'sig-clerk.pdf'), join(ctx.workDir, 'sig-agency.pdf'), agency, {
          position: 'top-right',
          lines: ['SAO Y', 'UBND xã Hòa Bình', '2026-11-25T10:05:00+07:00'],
        }),
      };
      // Not targets, but shown beside them: the first mark's font subset depends on the clerk's name, so the
      // same mark with other common names (their letters, tone marks and the time line) — how far each is from
      // the limit, in bytes (negative: under it).
      const names = ['Nguyễn Thị Thu Hường', 'Trần Quốc Khánh', 'Lê Hoàng Phương Thảo', 'Đặng Thị Mỹ Duyên', 'Phạm Văn Đức'];
      const byName: Record<string, number> = {};
      for (const [i, name] of names.entries()) {
        const c = await sign(input, join(ctx.workDir, `sig-name-${i}.pdf`), clerk, { position: 'top-left', lines: [`Người sao: ${name}`, 'Thời gian sao: 2026-11-25T09:30:00+07:00'] });
        byName[name] = c.growth - (2 * c.cms + 4096);
      }
      ctx.log(`signature-size: clerk mark by name, bytes over the limit: ${Object.entries(byName).map(([k, v]) => `${k} ${v}`).join(', ')}`);
      const targets: BenchTarget[] = Object.entries(cases).map(([id, c]) =>
        target({
          id: `bt-growth-${id}`,
          description: `B-T signature (${id}): file growth minus (2 × CMS + 4 KB), CMS ${c.cms} bytes, growth ${c.growth} bytes`,
          value: c.growth - (2 * c.cms + 4096),
          limit: 0,
          unit: 'bytes',
          comparison: '<=',
        }),
      );
      ctx.log(`signature-size: ${Object.entries(cases).map(([k, c]) => `${k} +${c.growth} B (CMS ${c.cms})`).join(', ')}`);
      return {
        figures: { ...cases, clerkMarkOverLimitByName: byName },
        targets,
        table: [['B-T signature', 'growth B', 'CMS B', 'limit 2×CMS+4 KB'], ...Object.entries(cases).map(([k, c]) => [k, String(c.growth), String(c.cms), String(2 * c.cms + 4096)])],
      };
    } finally {
      await pki.stop();
    }
  },
};

export default entry;
