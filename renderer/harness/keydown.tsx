// Browser harness for tests/e2e/keydown.test.ts (not part of the UI build). Two windows a busy CI machine hit,
// each pressed from a MutationObserver callback, i.e. in the very task in which the DOM first shows the
// change, before React runs its passive effects:
// - a button enabled by a non-input update (a timer, as a station event does) and a shortcut that acts only
//   when the button is enabled: the handler must see it enabled;
// - a part that appears by a non-input update (an answer from the station) with a shortcut of its own: the
//   shortcut must reach it as soon as it is on screen.
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { useKeydown } from '../src/lib/useKeydown';

const pressed: boolean[] = [];
const appeared = { sent: false, heard: 0 };
(window as unknown as { harness: { pressed: boolean[]; appeared: typeof appeared } }).harness = { pressed, appeared };

function Panel() {
  const [enabled, setEnabled] = useState(false);
  const [later, setLater] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => setEnabled(true), 50);
    const u = setTimeout(() => setLater(true), 100);
    return () => {
      clearTimeout(t);
      clearTimeout(u);
    };
  }, []);
  useKeydown(true, (e) => {
    if (e.key === 'k' && e.altKey) pressed.push(enabled);
  });
  return (
    <>
      <button type="button" disabled={!enabled} data-testid="sign">
        Ký
      </button>
      {later && <Later />}
    </>
  );
}

function Later() {
  useKeydown(true, (e) => {
    if (e.key === 'j' && e.altKey) appeared.heard++;
  });
  return (
    <button type="button" data-testid="later">
      Mới hiện
    </button>
  );
}

const observer = new MutationObserver(() => {
  const b = document.querySelector<HTMLButtonElement>('[data-testid=sign]');
  if (b && !b.disabled && pressed.length === 0) window.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', altKey: true }));
  if (document.querySelector('[data-testid=later]') && !appeared.sent) {
    appeared.sent = true;
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', altKey: true }));
  }
  if (pressed.length > 0 && appeared.sent) observer.disconnect();
});
observer.observe(document, { subtree: true, childList: true, attributes: true });

const root = document.getElementById('root');
if (root) createRoot(root).render(<Panel />);
