// Browser harness for tests/e2e/keydown.test.ts (not part of the UI build): a button enabled by a non-input
// update (a timer, as a station event does) and a shortcut that acts only when the button is enabled. The
// shortcut is pressed in the very task in which the DOM first shows the button enabled (a MutationObserver
// callback), before React runs its passive effects: the window a busy CI machine hit.
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { useKeydown } from '../src/lib/useKeydown';

const pressed: boolean[] = [];
(window as unknown as { harness: { pressed: boolean[] } }).harness = { pressed };

function Panel() {
  const [enabled, setEnabled] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => setEnabled(true), 50);
    return () => clearTimeout(t);
  }, []);
  useKeydown(true, (e) => {
    if (e.key === 'k' && e.altKey) pressed.push(enabled);
  });
  return (
    <button type="button" disabled={!enabled} data-testid="sign">
      Ký
    </button>
  );
}

new MutationObserver((_, obs) => {
  const b = document.querySelector<HTMLButtonElement>('[data-testid=sign]');
  if (b && !b.disabled) {
    obs.disconnect();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', altKey: true }));
  }
}).observe(document, { subtree: true, childList: true, attributes: true });

const root = document.getElementById('root');
if (root) createRoot(root).render(<Panel />);
