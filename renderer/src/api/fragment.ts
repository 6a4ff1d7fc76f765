/**
 * The bridge token arrives in the URL fragment (`#token=…`): never sent to the server, never in access
 * logs. It is read once and removed from the address bar (and so from history and screenshots).
 */
export function takeTokenFromLocation(loc: { hash: string; pathname: string; search: string }, replace: (url: string) => void, storage?: { getItem(key: string): string | null; setItem(key: string, value: string): void }): string | null {
  const params = new URLSearchParams(loc.hash.startsWith('#') ? loc.hash.slice(1) : loc.hash);
  const token = params.get('token');
  if (token) {
    params.delete('token');
    const rest = params.toString();
    replace(loc.pathname + loc.search + (rest ? `#${rest}` : ''));
    // sessionStorage keeps the token for a reload of this tab only (gone when the tab closes).
    storage?.setItem('sohoa.token', token);
    return token;
  }
  return storage?.getItem('sohoa.token') ?? null;
}
