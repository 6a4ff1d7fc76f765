/**
 * Text as a clerk types it into a search box: without Vietnamese diacritics (đ → d), case or punctuation,
 * so "ket hon" finds "Đăng ký kết hôn" and "1001193" finds "1.001193".
 */
export function foldText(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The folded text without any separator: for codes typed without their dots and dashes. */
export function compactText(s: string): string {
  return foldText(s).replace(/ /g, '');
}

/** True when every word of the query occurs in the text (folded), or the query's digits/letters occur in it run together. */
export function matchesSearch(text: string, query: string): boolean {
  const q = foldText(query);
  if (q === '') return true;
  const t = foldText(text);
  if (q.split(' ').every((w) => t.includes(w))) return true;
  const cq = q.replace(/ /g, '');
  return cq.length >= 3 && t.replace(/ /g, '').includes(cq);
}
