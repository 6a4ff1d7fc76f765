import { readFileSync } from 'node:fs';
import { parseCccdQr } from '../../common/cccdQr';
import { StationError } from '../../common/errors';
import { cccdFromImage } from '../../core/dossiers/cccdPrefill';
import { decodeImage } from '../../core/imaging/decode';
import { EXIT, type Command } from '../command';

export const cccdReadCommand: Command = {
  name: 'cccd read',
  summary: "read the owner's data from a chip CCCD's QR: an image of the card, or the text a QR reader typed",
  usage:
    'sohoa cccd read (IMAGE | --text PAYLOAD) [--json]\n' +
    '  Prints CCCD, name, date of birth, sex, address and issue date, each checked against the CCCD rules.\n' +
    '  Nothing is stored. Coded errors: QR_NOT_FOUND, CCCD_QR_INVALID, CCCD_QR_IME (a Telex input method was on).',
  options: { text: { type: 'string' } },
  positionals: { min: 0, max: 1 },
  async run(args, io) {
    const text = args.values.text as string | undefined;
    const file = args.positionals[0];
    if ((text === undefined) === (file === undefined)) {
      io.err('give an IMAGE or --text PAYLOAD');
      return EXIT.USAGE;
    }
    let value;
    if (text !== undefined) {
      const r = parseCccdQr(text);
      if (!r.ok) throw new StationError(r.problem === 'IME_MANGLED' ? 'CCCD_QR_IME' : r.problem === 'NOT_CCCD_QR' ? 'QR_NOT_FOUND' : 'CCCD_QR_INVALID', `CCCD QR: ${r.problem} (${r.detail})`, { problem: r.problem });
      value = r.value;
    } else {
      value = await cccdFromImage(await decodeImage(readFileSync(file!)));
    }
    if (args.json) io.out(JSON.stringify({ ok: true, value }));
    else {
      io.out(`Số CCCD:    ${value.cccd}${value.oldId ? ` (CMND cũ ${value.oldId})` : ''}`);
      io.out(`Họ tên:     ${value.fullName}`);
      io.out(`Ngày sinh:  ${value.dateOfBirth.split('-').reverse().join('/')} · ${value.sex === 'male' ? 'Nam' : 'Nữ'}`);
      io.out(`Địa chỉ:    ${value.address}`);
      io.out(`Ngày cấp:   ${value.issuedOn.split('-').reverse().join('/')}`);
    }
    return EXIT.OK;
  },
};
