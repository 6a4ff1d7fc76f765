/**
 * The MRC text mask of colour pages under the default profile, coded as lossless JBIG2 (generic region)
 * since it replaced CCITT G4: in one run, the mask bytes as written beside G4 of the very same mask bits
 * (jbig2dec's decoding of each stream, coded again by libvips' G4), the page bytes either way, and the reader's
 * check of every mask stream (jbig2dec and poppler decode the same pixels).
 */
import { join } from 'node:path';
import { g4Stream } from '../../electron/core/pdf/encode';
import { DEFAULT_PROFILE } from '../../electron/common/compressionProfiles';
import { crossCheckStreams, pixelsOf } from '../lib/jbig2Check';
import { assembleRun } from '../lib/pipeline';
import { target, type BenchEntry } from '../lib/types';

const entry: BenchEntry = {
  name: 'mrc-mask',
  description: 'MRC text mask of colour pages (default profile): JBIG2 as written vs CCITT G4 of the same bits; jbig2dec = poppler',
  async run(ctx) {
    const n = ctx.quick ? 2 : Math.min(8, ctx.pages.length);
    const out = join(ctx.workDir, 'mrc-mask.pdf');
    const r = await assembleRun(ctx.pages.slice(0, n), n, DEFAULT_PROFILE, out);
    const check = await crossCheckStreams(out, join(ctx.workDir, 'mrc-mask-streams'));
    let jbig2Bytes = 0;
    let g4Bytes = 0;
    for (const s of check.streams) {
      const { width, height, px } = await pixelsOf(s.pbm);
      jbig2Bytes += s.bytes;
      g4Bytes += (await g4Stream(Buffer.from(px.map((v) => (v ? 0 : 255))), width, height)).length;
    }
    const masks = check.streams.length;
    const pageBytes = r.bytesPerPage * n;
    ctx.log(
      `mrc-mask: ${masks} masks on ${n} pages, JBIG2 ${(jbig2Bytes / 1024).toFixed(1)} KB vs G4 ${(g4Bytes / 1024).toFixed(1)} KB (${((jbig2Bytes / Math.max(1, g4Bytes)) * 100).toFixed(0)} %); page ${(r.bytesPerPage / 1024).toFixed(1)} KB vs ${((pageBytes - jbig2Bytes + g4Bytes) / n / 1024).toFixed(1)} KB with G4`,
    );
    return {
      figures: {
        pages: n,
        profile: DEFAULT_PROFILE,
        masks,
        maskJbig2Bytes: jbig2Bytes,
        maskG4Bytes: g4Bytes,
        maskJbig2OverG4: g4Bytes > 0 ? jbig2Bytes / g4Bytes : null,
        bytesPerPage: r.bytesPerPage,
        bytesPerPageWithG4Mask: (pageBytes - jbig2Bytes + g4Bytes) / n,
        jbig2Streams: { total: check.total, identical: check.identical, failures: check.failures },
      },
      targets: [
        target({
          id: 'mask-streams-identical',
          description: 'MRC mask streams (JBIG2) decoded by jbig2dec and by poppler, pixel for pixel: streams that differ or fail',
          value: check.total > 0 ? check.total - check.identical : null,
          limit: 0,
          unit: 'streams',
          comparison: '<=',
          ...(check.total === 0 ? { note: `no JBIG2 mask in ${n} pages` } : {}),
        }),
      ],
      table: [
        ['MRC mask (default profile)', 'KB', 'KB/page'],
        [`JBIG2 as written (${masks} masks)`, (jbig2Bytes / 1024).toFixed(1), (r.bytesPerPage / 1024).toFixed(1)],
        ['same bits as CCITT G4', (g4Bytes / 1024).toFixed(1), ((pageBytes - jbig2Bytes + g4Bytes) / n / 1024).toFixed(1)],
        ['JBIG2 streams jbig2dec = poppler', `${check.identical}/${check.total}`, ''],
      ],
    };
  },
};

export default entry;
