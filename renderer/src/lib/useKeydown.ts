import { useLayoutEffect, useRef } from 'react';

/**
 * One window keydown listener per screen part, registered while `active`, that always runs the handler of
 * the latest render. Both the handler and the listener are set in layout effects, which React runs in the
 * same commit that updates the DOM: once a part is on screen its shortcuts reach it, and once a button shows
 * enabled its shortcut sees the same state. (Passive effects run later, after paint, in a task of their own;
 * on a busy machine a key pressed in between was lost — the listener of a part that had just appeared was not
 * registered yet — or met the previous render's state, as when Alt+K found `canSign = false` although the page
 * showed "Sign" enabled.)
 */
export function useKeydown(active: boolean, handler: (e: KeyboardEvent) => void): void {
  const latest = useRef(handler);
  useLayoutEffect(() => {
    latest.current = handler;
  });
  useLayoutEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => latest.current(e);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active]);
}
