import { useEffect, useRef, useState } from 'react';
import type { ScanFault, ScanJob } from '../../../electron/common/capture';
import type { ErrorPayload } from '../../../electron/common/errors';
import type { Component } from '../../../electron/common/schemas';
import { useAction, useEvents, useQuery, useStation } from '../api/context';
import { ErrorBox } from '../components/ErrorBox';
import { Kbd } from '../components/Kbd';
import { useI18n } from '../i18n/context';
import { SHORTCUTS, matches } from '../lib/keys';
import { useKeydown } from '../lib/useKeydown';
import type { ResultOf } from '../../../electron/common/api';

type Profile = ResultOf<'scan.profiles'>[number];

/** The SANE test device's default picture is solid black: the demo shows its colour pattern instead. */
const DEMO_PICTURE = 'Color pattern';
const rememberKey = (typeCode: string) => `sohoa.scanProfile.${typeCode}`;

function rememberedProfile(typeCode: string): string {
  try {
    return localStorage.getItem(rememberKey(typeCode)) ?? '';
  } catch {
    return '';
  }
}

interface Live {
  job: ScanJob;
  progress: number | null;
  fault: ScanFault | null;
  running: boolean;
  pagesDone: number;
}

/** Scanner and profile choice, Scan / Continue / Cancel, progress, and a fault with what to do next. */
export function ScanControls({ component, active, onPages }: { component: Component; active: boolean; onPages(): void }) {
  const { t } = useI18n();
  const { run, busy } = useAction();
  const devices = useQuery('devices.list', {});
  const profiles = useQuery('scan.profiles', {});
  const [deviceId, setDeviceId] = useState('');
  // The profile last used for this kind of paper (per component type, on this browser).
  const [profileName, setProfileNameState] = useState(() => rememberedProfile(component.typeCode));
  const setProfileName = (name: string) => {
    setProfileNameState(name);
    try {
      localStorage.setItem(rememberKey(component.typeCode), name);
    } catch {
      // Storage refused (private mode): the choice lasts for this screen only.
    }
  };
  const [starting, setStarting] = useState(false);
  const [picture, setPicture] = useState('');
  const [live, setLive] = useState<Live | null>(null);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const device = deviceId || devices.data?.[0]?.id || '';
  const caps = useQuery('devices.capabilities', device ? { deviceId: device } : null, [device]);
  const known = profileName !== '' && (profiles.data === null || profiles.data.some((p) => p.name === profileName));
  const profile = (known ? profileName : '') || profiles.data?.find((p) => p.compliant)?.name || profiles.data?.[0]?.name || '';
  const pictureOption = caps.data?.driverOptions.find((o) => o.name === 'test-picture' && o.values && o.values.length > 0);
  const chosen = profiles.data?.find((x) => x.name === profile);
  // A profile naming its own test picture keeps it; otherwise the demo shows a pattern, never a black sheet.
  const profilePicture = chosen?.driverOptions?.['test-picture'];
  const effectivePicture = picture || (profilePicture === undefined && pictureOption?.values?.includes(DEMO_PICTURE) ? DEMO_PICTURE : '');

  // Events may arrive before scan.start answers (a flatbed page can be done first): remember the last word per job.
  const seen = useRef(new Map<string, { fault?: ScanFault; ended?: number }>());
  // Events can also be missed (the bridge dropped, a reconnect): the job as the service stores it is the truth,
  // read after every end and on each reconnection, so a fault is never lost from the screen.
  const { transport, generation } = useStation();
  const syncJob = async (jobId: string): Promise<void> => {
    const r = await transport.call('scan.get', { jobId });
    if (!r.ok) return;
    const { pages: _pages, ...job } = r.value;
    // A read served before the end went out may arrive after its event: it never turns a stopped job back to running.
    setLive((l) => (l !== null && l.job.id === jobId && (l.running || job.state !== 'running') ? { ...l, job, fault: job.fault, running: job.state === 'running', pagesDone: job.pagesDone } : l));
  };
  const liveJobId = live?.job.id;
  useEffect(() => {
    if (liveJobId === undefined || generation === 0) return;
    void syncJob(liveJobId);
    onPages();
    // Only a reconnection (a new generation) triggers this; the job id is read, not watched.
  }, [generation]);
  useEvents((ev) => {
    if (ev.type !== 'scan.progress' && ev.type !== 'scan.page' && ev.type !== 'scan.fault' && ev.type !== 'scan.end') return;
    const jobId = ev.data.jobId;
    if (ev.type === 'scan.fault' || ev.type === 'scan.end') {
      const prev = seen.current.get(jobId) ?? {};
      seen.current.set(jobId, ev.type === 'scan.fault' ? { ...prev, fault: ev.data } : { ...prev, ended: ev.data.pagesDone });
    }
    // Updaters see the latest state even before React re-renders (an event may follow the start answer at once).
    const mine = (l: Live | null): l is Live => l !== null && l.job.id === jobId;
    if (ev.type === 'scan.progress') setLive((l) => (mine(l) ? { ...l, progress: ev.data.percent } : l));
    if (ev.type === 'scan.page') setLive((l) => (mine(l) ? { ...l, pagesDone: l.pagesDone + 1, progress: null } : l));
    if (ev.type === 'scan.fault') setLive((l) => (mine(l) ? { ...l, fault: ev.data, running: false } : l));
    if (ev.type === 'scan.end') {
      setLive((l) => (mine(l) ? { ...l, running: false, progress: null, pagesDone: ev.data.pagesDone } : l));
      onPages();
      void syncJob(jobId);
    }
  });

  const profileRef = (): string | Record<string, unknown> => {
    if (!effectivePicture || !chosen) return profile;
    const { compliant: _c, ...plain } = chosen;
    return { ...plain, driverOptions: { ...plain.driverOptions, 'test-picture': effectivePicture } };
  };

  const start = async () => {
    if (!device || !profile || live?.running) return;
    setError(null);
    // Said at once: the first scan of the day can take seconds before the scanner answers.
    setStarting(true);
    const r = await run('scan.start', { deviceId: device, profile: profileRef(), componentId: component.id }, 'scan').finally(() => setStarting(false));
    if (!r) return;
    if (r.ok) {
      const early = seen.current.get(r.value.id);
      setLive({
        job: r.value,
        progress: null,
        fault: early?.fault ?? r.value.fault,
        running: r.value.state === 'running' && early?.ended === undefined,
        pagesDone: early?.ended ?? r.value.pagesDone,
      });
      if (early?.ended !== undefined) onPages();
      // The answer is a snapshot from when the call was served (or, after a retry, the first answer again): the
      // fault and end events may have gone out while the socket was reconnecting, before this job was on screen
      // for the reconnection re-read to find. Read the stored state once the job is shown.
      else if (r.value.state === 'running') void syncJob(r.value.id);
    } else setError(r.error);
  };
  const cont = async () => {
    if (!live) return;
    setError(null);
    seen.current.delete(live.job.id);
    const r = await run('scan.continue', effectivePicture ? { jobId: live.job.id, driverOptions: { 'test-picture': effectivePicture } } : { jobId: live.job.id }, 'scan');
    if (!r) return;
    if (r.ok) {
      const early = seen.current.get(r.value.id);
      setLive({
        ...live,
        job: r.value,
        fault: early?.fault ?? null,
        running: r.value.state === 'running' && early?.ended === undefined,
        pagesDone: early?.ended ?? r.value.pagesDone,
      });
      if (r.value.state === 'running' && early?.ended === undefined) void syncJob(r.value.id); // as in start()
    } else setError(r.error);
  };
  const cancel = async () => {
    if (!live) return;
    const r = await run('scan.cancel', { jobId: live.job.id }, 'cancel');
    if (r?.ok) setLive({ ...live, job: r.value, running: false });
  };

  useKeydown(active, (e) => {
    if (matches(e, SHORTCUTS.scan)) {
      e.preventDefault();
      void (live && !live.running && live.job.state === 'paused' ? cont() : start());
    } else if (matches(e, SHORTCUTS.continueScan)) {
      e.preventDefault();
      void cont();
    } else if (matches(e, SHORTCUTS.cancelScan)) {
      e.preventDefault();
      void cancel();
    }
  });

  const canContinue = live !== null && !live.running && (live.fault ? live.fault.continuable : live.job.state === 'paused' || live.job.state === 'completed');
  return (
    <div className="scan-controls">
      <div className="row">
        <label className="field">
          <span>{t('scan.device')}</span>
          <select value={device} onChange={(e) => setDeviceId(e.target.value)} data-testid="scan-device">
            {devices.data === null && <option value="">{t('scan.searching')}</option>}
            {(devices.data ?? []).map((d) => (
              <option key={d.id} value={d.id}>
                {d.vendor} {d.model}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('scan.profile')}</span>
          <select value={profile} onChange={(e) => setProfileName(e.target.value)} data-testid="scan-profile">
            {profiles.data === null && <option value="">{t('common.loading')}</option>}
            {(profiles.data ?? []).map((p, _i, all) => (
              <option key={p.name} value={p.name} title={p.description}>
                {profileLabel(p, t)}
                {/* Two profiles with the same settings (a province's own next to ours) are told apart by name. */}
                {all.some((o) => o !== p && profileLabel(o, t) === profileLabel(p, t)) ? ` — ${p.name}` : ''}
                {p.compliant ? '' : ` (${t('scan.nonCompliant')})`}
              </option>
            ))}
          </select>
        </label>
        {pictureOption && (
          <label className="field">
            <span>{t('scan.testPicture')}</span>
            <select value={picture} onChange={(e) => setPicture(e.target.value)} data-testid="scan-picture">
              <option value="">{t('scan.pictureDefault', { name: String(profilePicture ?? effectivePicture ?? '') })}</option>
              {pictureOption.values!.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {devices.data && devices.data.length === 0 && <ErrorBox error={{ code: 'DEVICE_NOT_FOUND', message: 'no scanner' }} />}
      <div className="actions">
        <button type="button" className="primary" disabled={!device || !profile || busy !== null || live?.running === true} onClick={() => void start()} aria-keyshortcuts={SHORTCUTS.scan} data-testid="scan">
          {t('scan.start')} <Kbd keys={SHORTCUTS.scan} />
        </button>
        {live && (
          <button type="button" disabled={!canContinue || busy !== null} onClick={() => void cont()} aria-keyshortcuts={SHORTCUTS.continueScan} data-testid="scan-continue">
            {t('scan.continue')} <Kbd keys={SHORTCUTS.continueScan} />
          </button>
        )}
        {live?.running && (
          <button type="button" onClick={() => void cancel()} aria-keyshortcuts={SHORTCUTS.cancelScan} data-testid="scan-cancel">
            {t('scan.cancel')} <Kbd keys={SHORTCUTS.cancelScan} />
          </button>
        )}
      </div>
      {(live || starting) && (
        <div className="scan-status" role="status" aria-live="polite" data-testid="scan-status" data-running={String(starting || live?.running === true)}>
          {statusText(live, starting, t)}
          {live?.progress != null && (
            <progress max={100} value={live.progress} aria-label={t('scan.progress')}>
              {live.progress}
            </progress>
          )}
        </div>
      )}
      {live?.fault && (
        <ErrorBox error={{ code: live.fault.code, message: live.fault.message }} testId="scan-fault">
          {live.fault.continuable && (
            <button type="button" className="primary" onClick={() => void cont()} aria-keyshortcuts={SHORTCUTS.continueScan} data-testid="fault-continue">
              {t('scan.continue')} <Kbd keys={SHORTCUTS.continueScan} />
            </button>
          )}
        </ErrorBox>
      )}
      {error && <ErrorBox error={error} />}
    </div>
  );
}

type T = ReturnType<typeof useI18n>['t'];

/** "Màu · 200 dpi · Khay nạp": what the clerk recognises, not the file name of the profile. */
export function profileLabel(p: Pick<Profile, 'pixelType' | 'resolution' | 'source' | 'duplex'>, t: T): string {
  const parts = [t(`scan.pixel.${p.pixelType}`), `${p.resolution} dpi`, t(`scan.source.${p.source}`)];
  if (p.duplex) parts.push(t('scan.duplex'));
  return parts.join(' · ');
}

function statusText(live: Live | null, starting: boolean, t: T): string {
  if (starting || (live?.running && live.pagesDone === 0 && live.progress === null)) return t('scan.starting');
  if (!live) return '';
  if (live.running) return t('scan.running', { n: live.pagesDone });
  if (live.fault) return t('scan.paused', { n: live.pagesDone });
  if (live.job.state === 'cancelled') return t('scan.stopped', { n: live.pagesDone });
  return t('scan.done', { n: live.pagesDone });
}
