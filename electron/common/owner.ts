/**
 * Owner identifiers (regulations: CCCD = 3 province + 1 century/sex + 2 year + 6 random; organisations use
 * their tax/enterprise code). Province codes as issued under Thông tư 07/2016/TT-BCA (Phụ lục); they stay
 * valid after the 2025 province mergers, since cards already issued keep their numbers.
 */
export const CCCD_PROVINCE_CODES: Readonly<Record<string, string>> = {
  '001': 'Hà Nội', '002': 'Hà Giang', '004': 'Cao Bằng', '006': 'Bắc Kạn', '008': 'Tuyên Quang',
  '010': 'Lào Cai', '011': 'Điện Biên', '012': 'Lai Châu', '014': 'Sơn La', '015': 'Yên Bái',
  '017': 'Hòa Bình', '019': 'Thái Nguyên', '020': 'Lạng Sơn', '022': 'Quảng Ninh', '024': 'Bắc Giang',
  '025': 'Phú Thọ', '026': 'Vĩnh Phúc', '027': 'Bắc Ninh', '030': 'Hải Dương', '031': 'Hải Phòng',
  '033': 'Hưng Yên', '034': 'Thái Bình', '035': 'Hà Nam', '036': 'Nam Định', '037': 'Ninh Bình',
  '038': 'Thanh Hóa', '040': 'Nghệ An', '042': 'Hà Tĩnh', '044': 'Quảng Bình', '045': 'Quảng Trị',
  '046': 'Thừa Thiên Huế', '048': 'Đà Nẵng', '049': 'Quảng Nam', '051': 'Quảng Ngãi', '052': 'Bình Định',
  '054': 'Phú Yên', '056': 'Khánh Hòa', '058': 'Ninh Thuận', '060': 'Bình Thuận', '062': 'Kon Tum',
  '064': 'Gia Lai', '066': 'Đắk Lắk', '067': 'Đắk Nông', '068': 'Lâm Đồng', '070': 'Bình Phước',
  '072': 'Tây Ninh', '074': 'Bình Dương', '075': 'Đồng Nai', '077': 'Bà Rịa - Vũng Tàu', '079': 'Hồ Chí Minh',
  '080': 'Long An', '082': 'Tiền Giang', '083': 'Bến Tre', '084': 'Trà Vinh', '086': 'Vĩnh Long',
  '087': 'Đồng Tháp', '089': 'An Giang', '091': 'Kiên Giang', '092': 'Cần Thơ', '093': 'Hậu Giang',
  '094': 'Sóc Trăng', '095': 'Bạc Liêu', '096': 'Cà Mau',
};

export type OwnerIdType = 'cccd' | 'cmnd' | 'org';

export type OwnerIdCheck =
  | { valid: true; type: OwnerIdType; province?: string; birthYear?: number; sex?: 'male' | 'female' }
  | { valid: false; reason: string };

/** Validates a 12-digit CCCD/personal id number's structure (not its existence). */
export function checkCccd(id: string, now: Date = new Date()): OwnerIdCheck {
  if (!/^\d{12}$/.test(id)) return { valid: false, reason: 'CCCD must be exactly 12 digits' };
  const province = CCCD_PROVINCE_CODES[id.slice(0, 3)];
  if (province === undefined) return { valid: false, reason: `unknown province code ${id.slice(0, 3)}` };
  const centurySex = Number(id[3]);
  // TT 07/2016 Art. 7: 0/1 = 20th century male/female, 2/3 = 21st, 4/5 = 22nd, 6/7 = 23rd, 8/9 = 24th.
  const birthYear = 1900 + Math.floor(centurySex / 2) * 100 + Number(id.slice(4, 6));
  if (birthYear > now.getFullYear()) return { valid: false, reason: `birth year ${birthYear} is in the future` };
  return { valid: true, type: 'cccd', province, birthYear, sex: centurySex % 2 === 0 ? 'male' : 'female' };
}

/** Tax / enterprise code: 10 digits, or 10 + '-' + 3 for a branch (Luật Quản lý thuế; NĐ 01/2021). */
export function checkOrgCode(code: string): OwnerIdCheck {
  return /^\d{10}(-\d{3})?$/.test(code)
    ? { valid: true, type: 'org' }
    : { valid: false, reason: 'organisation code must be a 10-digit tax code, optionally -NNN' };
}

export function checkOwnerId(id: string, type?: OwnerIdType, now?: Date): OwnerIdCheck {
  const trimmed = id.trim();
  if (type === 'org') return checkOrgCode(trimmed);
  if (type === 'cmnd') return /^\d{9}$/.test(trimmed) ? { valid: true, type: 'cmnd' } : { valid: false, reason: 'CMND must be 9 digits' };
  if (type === 'cccd' || /^\d{12}$/.test(trimmed)) return checkCccd(trimmed, now);
  return checkOrgCode(trimmed);
}

export const PROCEDURE_CODE_PATTERN = /^\d\.\d{6}$/;
/** QĐ 20/2020: up to 35 chars of [0-9A-Z.] (e.g. H55.242, 000.00.00.H55). */
export const AGENCY_CODE_PATTERN = /^[0-9A-Z.]{1,35}$/;
/** Dossier codes issued by one-stop systems vary by vendor: validate leniently. */
export const DOSSIER_CODE_PATTERN = /^[0-9A-Z.]{2,35}-\d{6,8}-\d{4,7}$/;
/** How many receipt codes one reuse look-up may ask the target about (each is one call to the province). */
export const REUSE_DOSSIER_CODES_MAX = 10;
