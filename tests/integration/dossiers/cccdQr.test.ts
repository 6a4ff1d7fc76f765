import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../electron/core/imaging/decode';
import { readQrCodes } from '../../../electron/core/imaging/codes';
import { runCli } from '../../helpers/cli';
import { tempDir } from '../../helpers/tmp';

const GOOD = '079203004567|025123456|Trần Văn An|15062003|Nam|12 Nguyễn Huệ, phường Sài Gòn, TP Hồ Chí Minh|20052021';

/** A photo-like image of a card: the QR among printed text, slightly turned, JPEG as a phone or scanner gives it. */
async function cardImage(payload: string, file: string, opts: { damage?: boolean } = {}): Promise<string> {
  const qr = QRCode.create(payload, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = 6;
  const rects: string[] = [];
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.modules.get(r, c)) rects.push(`<rect x="${620 + c * cell}" y="${60 + r * cell}" width="${cell}" height="${cell}"/>`);
  const damage = opts.damage ? `<rect x="600" y="40" width="${n * cell + 40}" height="${(n * cell) / 2 + 20}" fill="#fff"/>` : '';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1100" height="700"><rect width="1100" height="700" rx="30" fill="#e9efe6"/>
    <g font-family="Liberation Serif" font-size="30"><text x="60" y="120">CĂN CƯỚC CÔNG DÂN</text><text x="60" y="200">Số: 079203004567</text><text x="60" y="260">Họ và tên: Trần Văn An</text></g>
    <g fill="#111">${rects.join('')}</g>${damage}</svg>`;
  await sharp(Buffer.from(svg)).rotate(3, { background: '#777' }).jpeg({ quality: 80 }).toFile(file);
  return file;
}

describe('CCCD QR prefill from an image of the card', () => {
  it('`sohoa cccd read card.jpg` fills owner id, name, date of birth, sex, address and issue date; zbarimg reads the same QR', async () => {
    const file = await cardImage(GOOD, join(tempDir(), 'card.jpg'));
    const r = runCli(['cccd', 'read', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      ok: true,
      value: { cccd: '079203004567', oldId: '025123456', fullName: 'Trần Văn An', dateOfBirth: '2003-06-15', sex: 'male', address: '12 Nguyễn Huệ, phường Sài Gòn, TP Hồ Chí Minh', issuedOn: '2021-05-20' },
    });
    // The independent reader agrees with zxing-wasm on the same image.
    const zbar = execFileSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', file], { encoding: 'utf8' }).trim();
    const ours = await readQrCodes(await decodeImage(await sharp(file).toBuffer()));
    expect(ours.map((c) => c.text)).toEqual([zbar.normalize('NFC')]);
  });

  it('gives coded errors for a damaged QR, contradicting fields, and a string mangled by a Telex input method', async () => {
    const dir = tempDir();
    const damaged = runCli(['cccd', 'read', await cardImage(GOOD, join(dir, 'damaged.jpg'), { damage: true }), '--json']);
    expect(JSON.parse(damaged.stdout)).toMatchObject({ ok: false, error: { code: 'QR_NOT_FOUND' } });
    const wrongSex = GOOD.replace('|Nam|', '|Nữ|');
    const contradict = runCli(['cccd', 'read', await cardImage(wrongSex, join(dir, 'sex.jpg')), '--json']);
    expect(JSON.parse(contradict.stdout)).toMatchObject({ ok: false, error: { code: 'CCCD_QR_INVALID', details: { problem: 'SEX_MISMATCH' } } });
    const typed = runCli(['cccd', 'read', '--text', GOOD.replace('15062003', '15o62003'), '--json']);
    expect(JSON.parse(typed.stdout)).toMatchObject({ ok: false, error: { code: 'CCCD_QR_IME' } });
    expect(JSON.parse(runCli(['cccd', 'read', '--text', GOOD, '--json']).stdout)).toMatchObject({ ok: true, value: { fullName: 'Trần Văn An' } });
  });
});
