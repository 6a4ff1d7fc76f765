import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { encodeSheetCode, type SheetCode } from '../../common/sheetCodes';
import type { Dossier } from '../../common/schemas';
import { decodeImage } from '../imaging/decode';
import type { RasterImage } from '../imaging/raster';
import { assemblePdf } from '../pdf/assemble';
import type { WrittenPdf } from '../pdf/writer';

/** A4 at 200 dpi: what the sheet is drawn at (and scanned back at, NĐ 30/2020 minimum). */
const DPI = 200;
const W = 1654;
const H = 2339;
const MARGIN = 130;

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The QR as SVG squares (error correction M: readable through a crease or a staple hole; a draft id is 43
 * characters, version 4). `size` is the side in pixels including the 4-module quiet zone.
 */
function qrSvg(text: string, x: number, y: number, size: number): string {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = Math.floor(size / (n + 8));
  const off = (size - cell * n) / 2;
  const rects: string[] = [];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (qr.modules.get(r, c)) rects.push(`<rect x="${x + off + c * cell}" y="${y + off + r * cell}" width="${cell}" height="${cell}"/>`);
    }
  }
  return `<g fill="#000">${rects.join('')}</g>`;
}

/** Keeps the last three digits of an owner id: the sheet travels with the paper, it need not repeat the CCCD. */
function maskedId(id: string): string {
  return id.length > 3 ? `${'•'.repeat(id.length - 3)}${id.slice(-3)}` : id;
}

function wrap(text: string, max: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if ((line + ' ' + word).trim().length > max && line !== '') {
      out.push(line);
      line = word;
    } else line = `${line} ${word}`.trim();
  }
  if (line !== '') out.push(line);
  return out;
}

interface Line {
  text: string;
  size: number;
  bold?: boolean;
  gap?: number;
}

function textBlock(lines: Line[], x: number, y0: number): { svg: string; bottom: number } {
  let y = y0;
  const parts: string[] = [];
  for (const l of lines) {
    y += l.gap ?? Math.round(l.size * 1.45);
    parts.push(`<text x="${x}" y="${y}" font-size="${l.size}"${l.bold ? ' font-weight="bold"' : ''}>${esc(l.text)}</text>`);
  }
  return { svg: parts.join(''), bottom: y };
}

export interface SheetContent {
  code: SheetCode;
  title: string;
  subtitle: string;
  lines: Line[];
  checklist?: { name: string; required: boolean; typeCode: string }[];
  footer: string;
}

/** Receipt cover sheet of a dossier: owner, procedure, checklist of components, QR of the draft id. */
export function dossierCoverContent(d: Dossier, now: Date = new Date()): SheetContent {
  return {
    code: { kind: 'dossier', dossierId: d.id },
    title: 'PHIẾU KIỂM SOÁT HỒ SƠ',
    subtitle: 'Tờ bìa — đặt trên cùng xấp giấy của hồ sơ khi quét',
    lines: [
      { text: `Mã hồ sơ: ${d.serverCode ?? '(chưa có — cấp khi đồng bộ)'}`, size: 34, bold: true },
      { text: `Mã tạm: ${d.id}`, size: 28 },
      ...wrap(`Thủ tục: ${d.procedureCode} — ${d.procedureName}`, 62).map((t) => ({ text: t, size: 32 })),
      { text: `Chủ hồ sơ: ${d.ownerName || '—'}`, size: 32, bold: true },
      { text: `Số định danh: ${maskedId(d.ownerId)}`, size: 30 },
      { text: `Tiếp nhận: ${vnDate(d.createdAt)}`, size: 30 },
    ],
    checklist: d.components.map((c) => ({ name: c.name, required: c.required, typeCode: c.typeCode })),
    footer: `In lúc ${vnDate(now.toISOString())} · trạm ${d.stationId} · SoHoa Station`,
  };
}

/** Separator sheet for one component: the pages after it belong to that component. */
export function componentSeparatorContent(d: Dossier, componentId: string, now: Date = new Date()): SheetContent | undefined {
  const c = d.components.find((x) => x.id === componentId);
  if (!c) return undefined;
  return {
    code: { kind: 'component', dossierId: d.id, componentId },
    title: 'TỜ PHÂN CÁCH THÀNH PHẦN',
    subtitle: 'Các trang sau tờ này thuộc thành phần dưới đây (tờ này không vào tệp PDF)',
    lines: [
      ...wrap(c.name, 48).map((t) => ({ text: t, size: 44, bold: true })),
      { text: `Mã thành phần: ${c.typeCode}`, size: 32, gap: 70 },
      { text: `Hồ sơ: ${d.serverCode ?? d.id}`, size: 30 },
      { text: `Chủ hồ sơ: ${d.ownerName || '—'}`, size: 30 },
    ],
    footer: `In lúc ${vnDate(now.toISOString())} · trạm ${d.stationId} · SoHoa Station`,
  };
}

function vnDate(iso: string): string {
  const t = new Date(Date.parse(iso) + 7 * 3600_000); // giờ Việt Nam (UTC+7)
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(t.getUTCDate())}/${p(t.getUTCMonth() + 1)}/${t.getUTCFullYear()} ${p(t.getUTCHours())}:${p(t.getUTCMinutes())}`;
}

export function sheetSvg(s: SheetContent): string {
  const qrSize = 520;
  const qrX = W - MARGIN - qrSize;
  const codeText = encodeSheetCode(s.code);
  const head = textBlock(
    [
      { text: s.title, size: 54, bold: true, gap: 60 },
      ...wrap(s.subtitle, 38).map((t) => ({ text: t, size: 28 })),
    ],
    MARGIN,
    MARGIN,
  );
  const body = textBlock(s.lines, MARGIN, Math.max(head.bottom + 40, MARGIN + qrSize + 40));
  let list = '';
  let y = body.bottom + 60;
  if (s.checklist && s.checklist.length > 0) {
    list += `<text x="${MARGIN}" y="${y}" font-size="32" font-weight="bold">Thành phần hồ sơ (đánh dấu khi nhận đủ):</text>`;
    for (const c of s.checklist.slice(0, 24)) {
      for (const [i, t] of wrap(`${c.name}${c.required ? ' (bắt buộc)' : ''} · ${c.typeCode}`, 70).entries()) {
        y += i === 0 ? 56 : 40;
        if (i === 0) list += `<rect x="${MARGIN}" y="${y - 30}" width="32" height="32" fill="none" stroke="#000" stroke-width="4"/>`;
        list += `<text x="${MARGIN + 56}" y="${y}" font-size="28">${esc(t)}</text>`;
      }
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
<rect width="${W}" height="${H}" fill="#fff"/>
<g font-family="Liberation Serif, Tinos, DejaVu Serif, serif" fill="#000">${head.svg}${body.svg}${list}
<text x="${qrX + qrSize / 2}" y="${MARGIN + qrSize + 36}" font-size="22" text-anchor="middle" font-family="DejaVu Sans Mono, monospace">${esc(codeText)}</text>
<text x="${MARGIN}" y="${H - MARGIN}" font-size="24">${esc(s.footer)}</text></g>
${qrSvg(codeText, qrX, MARGIN, qrSize)}
</svg>`;
}

/** The sheet as a 200 dpi page (gray, drawn black on white). */
export async function renderSheet(s: SheetContent): Promise<RasterImage> {
  const png = await sharp(Buffer.from(sheetSvg(s)), { density: 72 }).flatten({ background: '#ffffff' }).greyscale().withMetadata({ density: DPI }).png().toBuffer();
  return decodeImage(png, { dpiHint: DPI });
}

/** Writes the sheet as a one-page PDF/A-1b (bitonal G4: small, sharp QR) for the system print dialog. */
export async function writeSheetPdf(s: SheetContent, out: string): Promise<WrittenPdf> {
  const r = await assemblePdf(
    [{ label: s.title, dpi: DPI, rotation: 0, skewDeg: 0, load: () => renderSheet(s) }],
    out,
    { profile: 'bitonal', level: '1b', meta: { title: `${s.title} ${encodeSheetCode(s.code)}`, creator: 'SoHoa Station (phiếu kiểm soát)' }, autoOrient: false, deskew: false },
  );
  return r.written;
}

/** The sheet's PDF bytes, written through a private file in `tmpDir` (removed after). */
export async function sheetPdfBytes(s: SheetContent, tmpDir: string): Promise<Buffer> {
  mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
  const file = join(tmpDir, `cover-${randomBytes(8).toString('hex')}.pdf`);
  try {
    await writeSheetPdf(s, file);
    return readFileSync(file);
  } finally {
    rmSync(file, { force: true });
    rmSync(`${file}.part`, { force: true });
  }
}
