/**
 * Dates as the station writes them: in Vietnam time (UTC+07:00, no daylight saving) unless a setting says
 * otherwise, truncated to whole seconds so that the PDF Info date and the XMP date of one document name
 * exactly the same instant (PDF/A-1 6.7.3), and the marks show the same time as the signature.
 */
export const VIETNAM_UTC_OFFSET_MINUTES = 420;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function shifted(date: Date, offsetMin: number): { y: number; mo: number; d: number; h: number; mi: number; s: number; sign: string; oh: number; om: number } {
  const t = new Date(Math.floor(date.getTime() / 1000) * 1000 + offsetMin * 60_000);
  const abs = Math.abs(offsetMin);
  return {
    y: t.getUTCFullYear(),
    mo: t.getUTCMonth() + 1,
    d: t.getUTCDate(),
    h: t.getUTCHours(),
    mi: t.getUTCMinutes(),
    s: t.getUTCSeconds(),
    sign: offsetMin < 0 ? '-' : '+',
    oh: Math.floor(abs / 60),
    om: abs % 60,
  };
}

/** PDF date string: D:YYYYMMDDHHmmSS+07'00' */
export function pdfDate(date: Date, offsetMin = VIETNAM_UTC_OFFSET_MINUTES): string {
  const x = shifted(date, offsetMin);
  return `D:${x.y}${pad(x.mo)}${pad(x.d)}${pad(x.h)}${pad(x.mi)}${pad(x.s)}${x.sign}${pad(x.oh)}'${pad(x.om)}'`;
}

/** ISO 8601 / XMP date: YYYY-MM-DDTHH:mm:SS+07:00 */
export function xmpDate(date: Date, offsetMin = VIETNAM_UTC_OFFSET_MINUTES): string {
  const x = shifted(date, offsetMin);
  return `${x.y}-${pad(x.mo)}-${pad(x.d)}T${pad(x.h)}:${pad(x.mi)}:${pad(x.s)}${x.sign}${pad(x.oh)}:${pad(x.om)}`;
}

/** Vietnam time in ISO 8601 (what the visible marks show). */
export const isoVietnam = (d: Date): string => xmpDate(d, VIETNAM_UTC_OFFSET_MINUTES);
