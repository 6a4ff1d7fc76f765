import { checkCccd } from './owner';

/**
 * The QR printed on the chip CCCD: `số CCCD|số CMND cũ|họ tên|ngày sinh ddmmyyyy|giới tính|địa chỉ|ngày cấp ddmmyyyy`
 * (7 fields; the old CMND may be empty). Some readers append an 8th field with the expiry or the issuing
 * place: it is accepted and ignored. Every field is checked against the CCCD rules (TT 07/2016 Art. 7) and
 * against the others — a QR that contradicts itself is refused, never half-used.
 */
export interface CccdQr {
  cccd: string;
  oldId: string | null;
  fullName: string;
  /** YYYY-MM-DD */
  dateOfBirth: string;
  sex: 'male' | 'female';
  address: string;
  /** YYYY-MM-DD */
  issuedOn: string;
}

export type CccdQrProblem =
  | 'NOT_CCCD_QR'
  | 'FIELD_COUNT'
  | 'BAD_CCCD'
  | 'BAD_DATE'
  | 'BIRTH_YEAR_MISMATCH'
  | 'SEX_MISMATCH'
  | 'ISSUED_BEFORE_BIRTH'
  | 'IME_MANGLED';

export type CccdQrResult = { ok: true; value: CccdQr } | { ok: false; problem: CccdQrProblem; detail: string };

/**
 * A QR reader typing through a Vietnamese input method left on (Unikey/EVKey in Telex mode) turns letter
 * pairs into accented letters and drops the keys that compose them: "dd" → "đ", "aa" → "â", "w" → "ư",
 * "s/f/r/x/j" after a vowel → a tone. The digits and the `|` separators survive; what gives it away is a
 * field that must be digits holding letters, or a separator count that is off. Only the fields that are
 * digits by definition are looked at, since names and addresses are Vietnamese anyway.
 */
function looksImeMangled(raw: string): boolean {
  const f = raw.split('|');
  const digitsField = (s: string | undefined): boolean => s === undefined || s === '' || /^\d+$/.test(s);
  if (!digitsField(f[0]) || !digitsField(f[1]) || !digitsField(f[3]) || !digitsField(f[6])) {
    return /[\u00C0-\u1EF9]/.test(raw) || /[a-zA-Z]/.test(`${f[0]}${f[3]}${f[6]}`);
  }
  return false;
}

function isoDate(ddmmyyyy: string): string | null {
  const m = /^(\d{2})(\d{2})(\d{4})$/.exec(ddmmyyyy);
  if (!m) return null;
  const [, dd, mm, yyyy] = m as unknown as [string, string, string, string];
  const d = new Date(Date.UTC(Number(yyyy), Number(mm) - 1, Number(dd)));
  if (d.getUTCFullYear() !== Number(yyyy) || d.getUTCMonth() !== Number(mm) - 1 || d.getUTCDate() !== Number(dd)) return null;
  return `${yyyy}-${mm}-${dd}`;
}

const SEX: Record<string, 'male' | 'female'> = { nam: 'male', nữ: 'female', nu: 'female', male: 'male', female: 'female' };

/** Quick test for routing: does this text look like a whole CCCD QR payload (typed by a keyboard-wedge reader)? */
export function looksLikeCccdQr(text: string): boolean {
  return /^\d{12}\|/.test(text.trim()) && text.split('|').length >= 6;
}

export function parseCccdQr(input: string, now: Date = new Date()): CccdQrResult {
  const raw = input.normalize('NFC').replace(/[\r\n]+$/g, '').trim();
  if (!raw.includes('|')) return { ok: false, problem: 'NOT_CCCD_QR', detail: 'no | separators' };
  if (looksImeMangled(raw)) return { ok: false, problem: 'IME_MANGLED', detail: 'digits fields hold letters: a Vietnamese input method (Telex) was on while the reader typed' };
  const f = raw.split('|');
  if (f.length !== 7 && f.length !== 8) return { ok: false, problem: 'FIELD_COUNT', detail: `${f.length} fields, expected 7` };
  const [cccd, oldId, name, dob, sexText, address, issued] = f as [string, string, string, string, string, string, string];
  const check = checkCccd(cccd, now);
  if (!check.valid) return { ok: false, problem: 'BAD_CCCD', detail: check.reason };
  if (oldId !== '' && !/^\d{9}$/.test(oldId)) return { ok: false, problem: 'FIELD_COUNT', detail: 'the old ID field is not 9 digits' };
  const dateOfBirth = isoDate(dob);
  const issuedOn = isoDate(issued);
  if (!dateOfBirth || !issuedOn) return { ok: false, problem: 'BAD_DATE', detail: 'dates must be ddmmyyyy' };
  if (issuedOn > now.toISOString().slice(0, 10)) return { ok: false, problem: 'BAD_DATE', detail: 'issued in the future' };
  if (issuedOn < dateOfBirth) return { ok: false, problem: 'ISSUED_BEFORE_BIRTH', detail: `${issuedOn} < ${dateOfBirth}` };
  // The 4th digit (century/sex) and the 5th–6th (year) must agree with the date of birth and the sex field.
  if (check.birthYear !== Number(dateOfBirth.slice(0, 4))) {
    return { ok: false, problem: 'BIRTH_YEAR_MISMATCH', detail: `number says ${check.birthYear}, date of birth ${dateOfBirth}` };
  }
  const sex = SEX[sexText.trim().toLocaleLowerCase('vi')];
  if (!sex) return { ok: false, problem: 'SEX_MISMATCH', detail: `unknown sex "${sexText}"` };
  if (sex !== check.sex) return { ok: false, problem: 'SEX_MISMATCH', detail: `number says ${check.sex}, card says ${sexText}` };
  const fullName = name.trim().replace(/\s+/g, ' ');
  if (fullName === '') return { ok: false, problem: 'FIELD_COUNT', detail: 'empty name' };
  return { ok: true, value: { cccd, oldId: oldId === '' ? null : oldId, fullName, dateOfBirth, sex, address: address.trim(), issuedOn } };
}
