/**
 * fetch for the signing peers (TSA, OCSP, CRL). Their requests are safe to repeat, so a request whose
 * connection broke before any answer (a pooled keep-alive socket the server had just closed, a reset) is
 * sent once more on a fresh connection before the peer counts as unreachable. A timeout is not retried: the
 * clerk is waiting and the caller falls back (B-B + queued document timestamp, revocation 'unknown').
 */
export async function fetchRetryingBrokenConnection(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') throw err;
    return fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs), headers: { ...(init.headers as Record<string, string> | undefined), Connection: 'close' } });
  }
}
