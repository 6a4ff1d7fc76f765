import { useCallback, useEffect, useState } from 'react';

/**
 * The value once it has stopped changing for `ms` (a search box: one query per settled input, not one per
 * keystroke — each query is a logged read of citizens' data). `settleNow` takes the current value at once
 * (Enter). The timer restarts on every change, so a fast typist or a barcode reader yields one value.
 */
export function useSettled<T>(value: T, ms: number): [T, () => void] {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  const settleNow = useCallback(() => setSettled(value), [value]);
  return [settled, settleNow];
}
