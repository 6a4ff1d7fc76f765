import { useEffect, useLayoutEffect, useRef } from 'react';

/**
 * One window keydown listener per screen part, registered while `active`, that always runs the handler of
 * the latest render. The handler is stored in a layout effect, which React runs in the same commit that
 * updates the DOM: once a button shows enabled, its shortcut sees the same state. (Re-registering the
 * listener in a passive effect left a window on a busy machine where the page showed "Sign" enabled but the
 * listener still held the previous render's `canSign = false`, and Alt+K did nothing.)
 */
export function useKeydown(active: boolean, handler: (e: KeyboardEvent) => void): void {
  const latest = useRef(handler);
  useLayoutEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => latest.current(e);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active]);
}
