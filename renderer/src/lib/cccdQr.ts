/**
 * A USB QR reader types the chip card's QR payload ("CCCD|CMND|Họ tên|ddmmyyyy|Giới tính|Địa chỉ|ddmmyyyy")
 * into whichever field has the focus: the id and the name are taken from it, never the raw text. Only what
 * the owner step needs is read here; the full payload (birth date, address, issue date) is left to its parser.
 */
export function readCccdQr(text: string): { id: string; name: string } | null {
  const parts = text.split('|');
  if (parts.length < 3 || !/^\d{12}$/.test(parts[0]!.trim())) return null;
  return { id: parts[0]!.trim(), name: parts[2]!.trim() };
}
