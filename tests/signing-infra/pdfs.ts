/**
 * PDF/A-1b inputs for signing tests, made by the station's own streaming writer (electron/core/pdf/writer.ts)
 * from synthetic A4 pages: a grey page with dark bars (so pages are not blank), 72–100 dpi to stay small.
 */
import { encodePage } from '../../electron/core/pdf/encode';
import { PdfAWriter } from '../../electron/core/pdf/writer';

export async function makePdfA(path: string, pages = 1, opts: { dpi?: number; title?: string } = {}): Promise<string> {
  const dpi = opts.dpi ?? 72;
  const width = Math.round(8.27 * dpi);
  const height = Math.round(11.69 * dpi);
  const data = Buffer.alloc(width * height, 0xf4);
  for (let y = Math.round(height * 0.2); y < height * 0.8; y += 14) {
    for (let x = Math.round(width * 0.1); x < width * 0.9; x++) for (let k = 0; k < 4; k++) data[(y + k) * width + x] = 0x30;
  }
  const enc = await encodePage({ width, height, channels: 1, data, dpi, bitonal: false }, 'gray');
  const w = await PdfAWriter.open(path, { title: opts.title ?? 'Giấy khai sinh (bản sao)', author: 'Trạm số hóa' });
  for (let i = 0; i < pages; i++) await w.addPage(enc);
  await w.close();
  return path;
}
