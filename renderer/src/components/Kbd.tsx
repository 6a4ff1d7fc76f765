/** The shortcut shown on a button (the same string goes in aria-keyshortcuts). Key names are not translated. */
export function Kbd({ keys }: { keys: string }) {
  return <kbd className="kbd">{keys}</kbd>;
}
