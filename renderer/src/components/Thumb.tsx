import { useEffect, useState } from 'react';
import { useStation } from '../api/context';

/** A page image by id only (blob: URL on the web, station-page: in Electron). */
export function PageImage({ pageId, width, alt, rotation = 0, version = 0 }: { pageId: string; width: number; alt: string; rotation?: number; version?: number }) {
  const { transport, generation } = useStation();
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const ctl = new AbortController();
    let url: string | null = null;
    setFailed(false);
    transport
      .pageImage(pageId, width, ctl.signal)
      .then((u) => {
        url = u;
        setSrc(u);
      })
      .catch(() => {
        if (!ctl.signal.aborted) setFailed(true);
      });
    return () => {
      ctl.abort();
      if (url) transport.releaseImage(url);
    };
  }, [transport, pageId, width, generation, version]);
  if (failed || !src) return <div className="thumb-placeholder" role="img" aria-label={alt} data-state={failed ? 'failed' : 'loading'} />;
  return <img className="page-img" src={src} alt={alt} style={{ transform: rotation ? `rotate(${rotation}deg)` : undefined }} draggable={false} />;
}
