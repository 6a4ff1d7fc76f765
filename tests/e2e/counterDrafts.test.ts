import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_P12_PASSWORD } from '../../electron/core/signing/demoCert';
import { apiValue, type RunningService } from '../helpers/cli';
import { COUNTER_VIEWPORT, type Browser } from './support/browser';
import { buildHarness } from './support/harness';
import { DEMO, eventually, expectViewportShot, signInUi } from './support/station';
import { startUiStation, type UiStation } from './support/uiStation';

const MARRIAGE = '1.000894';
/** The citizen whose signed document is reused, and whose half-scanned draft is abandoned (two dossiers). */
const REUSE_CCCD = '079199054321';
const ABANDON_CCCD = '001199077777';
/** The citizen whose draft is abandoned while an answer about it is still on its way. */
const LATE_CCCD = '001199088888';

/** The harness's count of held answers (renderer/harness/holdAnswers.ts). */
interface Held {
  held: number;
  heldAtRelease: number;
  delivered: number;
  log: string[];
}
const heldCount = (page: Page) => page.evaluate<Held>('window.harness.held');
/** The intake start screen (procedure search, drafts): where the clerk is after leaving a dossier. */
const START_SCREEN = '[data-testid=screen-intake] [data-testid=procedure-search]';

interface Seeded {
  dossierId: string;
  componentId: string;
  typeCode: string;
}

/** A marriage dossier with one flatbed page (SANE test device) in its first component, set up through the API. */
async function seedScanned(svc: RunningService, ownerId: string, ownerName: string): Promise<Seeded> {
  const d = await apiValue<{ id: string; components: { id: string; typeCode: string; kind: string }[] }>(svc, 'dossiers.create', { procedureCode: MARRIAGE, ownerId, ownerName });
  const comp = d.components.find((c) => c.kind === 'intake')!;
  const job = await apiValue<{ id: string }>(svc, 'scan.start', {
    deviceId: 'sane:test:0',
    componentId: comp.id,
    profile: { name: 'e2e-50', pixelType: 'color', resolution: 50, source: 'flatbed', exception: { reason: 'e2e: low resolution spares the machine' }, driverOptions: { 'test-picture': 'Color pattern' } },
  });
  // Set-up runs outside a test (no expect.poll): wait on the job's state, bounded.
  const deadline = Date.now() + 120_000;
  let state = 'running';
  while (state === 'running' && Date.now() < deadline) {
    state = (await apiValue<{ state: string }>(svc, 'scan.get', { jobId: job.id })).state;
    if (state === 'running') await new Promise((r) => setTimeout(r, 100));
  }
  if (state !== 'completed') throw new Error(`seed scan ended ${state}`);
  return { dossierId: d.id, componentId: comp.id, typeCode: comp.typeCode };
}

/** The rows of today's access log after `afterSeq` (audit.export, admin). */
async function auditAfter(svc: RunningService, afterSeq: number): Promise<{ seq: number; actor: string | null; action: string; subject_id: string | null; details: Record<string, unknown> }[]> {
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const r = await apiValue<{ rows: { seq: number; actor: string | null; action: string; subject_id: string | null; details_json: string }[] }>(svc, 'audit.export', { from: day(-1), to: day(1) });
  return r.rows.filter((x) => x.seq > afterSeq).map((x) => ({ ...x, details: JSON.parse(x.details_json) as Record<string, unknown> }));
}

async function lastSeq(svc: RunningService): Promise<number> {
  return (await auditAfter(svc, 0)).reduce((m, r) => Math.max(m, r.seq), 0);
}

const shot = expectViewportShot;

/**
 * The rest of the counter workflow at 1366×768 in Chromium against `sohoa serve --demo`, signed in as the demo
 * clerk: the queue says it is loading (not "nothing") until its answer comes, typing a CCCD into "Tìm hồ sơ" is
 * one audited search, an earlier signed document is reused instead of a scan, and a draft is abandoned (asked,
 * with a reason, pages kept, found again, restored by the admin).
 */
describe('the counter: queue loading, settled search, reuse, abandon', () => {
  let station: UiStation | undefined;
  let svc: RunningService;
  let browser: Browser;
  let clerkId: string;
  let adminId: string;
  let earlier: Seeded;
  let draft: Seeded;

  beforeAll(async () => {
    station = await startUiStation({ name: 'drafts', profiles: [], env: { SOHOA_SANE_BACKENDS: '' }, browser: { viewport: COUNTER_VIEWPORT } });
    ({ svc, browser } = station);
    const accounts = await apiValue<{ id: string; username: string }[]>(svc, 'accounts.list');
    clerkId = accounts.find((a) => a.username === DEMO.clerk.username)!.id;
    adminId = accounts.find((a) => a.username === DEMO.admin.username)!.id;

    // An earlier marriage dossier of REUSE_CCCD whose first component is digitised, valid to 2099 and signed
    // with the station's demo certificate (demo mode, no server: the only certificate there is).
    earlier = await seedScanned(svc, REUSE_CCCD, 'Lê Văn Dùng Lại');
    await apiValue(svc, 'dossiers.updateComponent', { componentId: earlier.componentId, validFrom: '2025-01-01', validTo: '2099-12-31' });
    const doc = await apiValue<{ documentId: string }>(svc, 'documents.assemble', { componentId: earlier.componentId });
    const certs = await apiValue<{ demo?: boolean; key: unknown }[]>(svc, 'signing.listCertificates');
    const demoCert = certs.find((c) => c.demo === true);
    expect(demoCert, 'the demo certificate is offered').toBeDefined();
    await apiValue(svc, 'documents.sign', { documentId: doc.documentId, role: 'clerk', key: demoCert!.key, password: DEMO_P12_PASSWORD });

    // A half-scanned draft the clerk will abandon.
    draft = await seedScanned(svc, ABANDON_CCCD, 'Đỗ Thị Bỏ Dở');
  }, 300_000);

  afterAll(async () => {
    await station?.stop();
  });

  it('shows "loading" on the queue screen until the list arrives, never "nothing waits" before it', async () => {
    const { page } = browser;
    // Hold the queue's list call (the only one asking for 200) until the screen has been looked at.
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => (release = r));
    let held = 0;
    const hold = async (route: Route) => {
      if (!/"limit":200/.test(route.request().postData() ?? '')) return route.continue();
      held++;
      await released;
      return route.continue();
    };
    await page.route('**/api/dossiers.list', hold);
    try {
      await page.goto(`${svc.url}#token=${svc.token}`);
      await signInUi(page, DEMO.clerk);
      await page.keyboard.press('Alt+3');
      const screen = page.getByTestId('screen-queue');
      await screen.getByTestId('queue-loading').waitFor({ timeout: 20_000 });
      // (The screen may ask twice — a reconnection bumps the generation — both answers are held.)
      await eventually(() => held).toBeGreaterThanOrEqual(1);
      await expect(screen.getByTestId('queue-empty').count()).resolves.toBe(0);
      await expect(screen.getByTestId('queue-table').getAttribute('aria-busy')).resolves.toBe('true');
      await shot(page, 'drafts-1366-queue-loading');
      release();
      // The answer: no dossier is finished yet (all are drafts), now said plainly.
      await screen.getByTestId('queue-empty').waitFor({ timeout: 20_000 });
      await expect(screen.getByTestId('queue-loading').count()).resolves.toBe(0);
    } finally {
      release();
    }
    await page.unroute('**/api/dossiers.list', hold);
    await page.keyboard.press('Alt+1');
    expect(browser.errors).toEqual([]);
  });

  it('searches once for a CCCD typed key by key into "Tìm hồ sơ" (one audited read, not one per keystroke)', async () => {
    const { page } = browser;
    await page.keyboard.press('Alt+1');
    const screen = page.getByTestId('screen-intake');
    const before = await lastSeq(svc);
    const input = screen.getByTestId('find-input');
    await input.click();
    await page.keyboard.type(REUSE_CCCD);
    await screen.locator(`[data-testid=found][data-id="${earlier.dossierId}"]`).waitFor({ timeout: 20_000 });
    await eventually(() => input.getAttribute('data-settled')).toBe('true');
    const searches = (await auditAfter(svc, before)).filter((r) => r.action === 'dossier.search');
    expect(searches.map((r) => r.details.query)).toEqual([REUSE_CCCD]);
    expect(searches[0]!.actor).toBe(clerkId);
    // Enter searches at once (no wait for the pause).
    await input.fill('');
    await page.keyboard.type(ABANDON_CCCD);
    await page.keyboard.press('Enter');
    await screen.locator(`[data-testid=found][data-id="${draft.dossierId}"]`).waitFor({ timeout: 20_000 });
    await input.fill('');
    expect(browser.errors).toEqual([]);
  });

  it('reuses the citizen\'s earlier signed document for a component instead of a scan ("Dùng lại giấy tờ này")', async () => {
    const { page } = browser;
    const screen = page.getByTestId('screen-intake');
    await screen.getByTestId('procedure-search').fill('ket hon');
    await eventually(() => screen.getByTestId('procedure-option').first().getAttribute('data-code'), { timeout: 20_000 }).toBe(MARRIAGE);
    await page.keyboard.press('Enter');
    await screen.getByTestId('owner-id').fill(REUSE_CCCD);
    await screen.getByTestId('owner-name').fill('Lê Văn Dùng Lại');
    await eventually(() => screen.getByTestId('create-dossier').isEnabled()).toBe(true);
    await page.keyboard.press('Control+Enter');
    const dossier = screen.getByTestId('dossier');
    await dossier.waitFor({ timeout: 30_000 });
    const dossierId = (await dossier.getAttribute('data-id'))!;
    expect(dossierId).not.toBe(earlier.dossierId);

    // The offer: where the document comes from and how long it is valid.
    const offer = screen.locator(`[data-testid=earlier-document][data-dossier="${earlier.dossierId}"]`);
    await offer.waitFor({ timeout: 30_000 });
    await expect(offer.textContent()).resolves.toContain(earlier.dossierId);
    await expect(offer.getByTestId('earlier-validity').textContent()).resolves.toBe('hiệu lực 01/01/2025 – 31/12/2099');
    await shot(page, 'drafts-1366-reuse-offer');
    const before = await lastSeq(svc);
    await offer.getByTestId('reuse').click();

    // Attached: signed without a scan, and the component says where its document came from.
    const reused = screen.getByTestId('reused-from');
    await reused.waitFor({ timeout: 30_000 });
    await expect(reused.getAttribute('data-dossier')).resolves.toBe(earlier.dossierId);
    await eventually(() => screen.getByTestId('component').first().getByTestId('component-status').getAttribute('data-state'), { timeout: 20_000 }).toBe('signed');
    await expect(screen.getByTestId('page').count()).resolves.toBe(0);
    await expect(screen.getByTestId('earlier-documents').count()).resolves.toBe(0);
    await shot(page, 'drafts-1366-reused');

    const now = await apiValue<{ components: { id: string; typeCode: string; reuse: string; signed: boolean; validTo: string | null; reusedFrom: { dossierId: string } | null }[] }>(svc, 'dossiers.get', { id: dossierId });
    const c = now.components.find((x) => x.typeCode === earlier.typeCode)!;
    expect(c).toMatchObject({ reuse: 'reused', signed: true, validTo: '2099-12-31', reusedFrom: { dossierId: earlier.dossierId } });
    const taken = (await auditAfter(svc, before)).filter((r) => r.action === 'component.reuse');
    expect(taken.map((r) => [r.actor, r.subject_id])).toEqual([[clerkId, c.id]]);
    await page.keyboard.press('Alt+N');
    expect(browser.errors).toEqual([]);
  });

  it('abandons a draft after asking why, keeps its pages, still finds it, and the admin restores it', async () => {
    const { page } = browser;
    const screen = page.getByTestId('screen-intake');
    const listed = screen.locator(`[data-testid=draft][data-id="${draft.dossierId}"]`);
    await listed.waitFor({ timeout: 30_000 });
    await listed.click();
    const dossier = screen.getByTestId('dossier');
    await eventually(() => dossier.getAttribute('data-id'), { timeout: 20_000 }).toBe(draft.dossierId);
    await eventually(() => screen.getByTestId('page').count(), { timeout: 30_000 }).toBe(1);

    // Asked first: the dialog says the pages stay; no reason, no abandoning; Back changes nothing.
    await screen.getByTestId('abandon').click();
    const dialog = page.getByTestId('abandon-dialog');
    await dialog.waitFor();
    await expect(dialog.getByTestId('abandon-explain').textContent()).resolves.toContain('1 trang đã quét vẫn được giữ');
    await expect(dialog.getByTestId('abandon-confirm').isEnabled()).resolves.toBe(false);
    await dialog.getByTestId('abandon-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    await expect(dossier.getAttribute('data-state')).resolves.toBe('draft');

    await screen.getByTestId('abandon').click();
    await dialog.waitFor();
    await dialog.getByTestId('abandon-reason').fill('Công dân không bổ sung được giấy tờ');
    await shot(page, 'drafts-1366-abandon-dialog');
    const before = await lastSeq(svc);
    await dialog.getByTestId('abandon-confirm').click();
    const done = screen.getByTestId('abandon-done');
    await done.waitFor({ timeout: 20_000 });
    await expect(done.textContent()).resolves.toContain(draft.dossierId);
    // Gone from "Hồ sơ đang làm dở"…
    await screen.getByTestId('drafts').waitFor();
    await eventually(() => listed.count()).toBe(0);

    // …the audit log names the clerk and the reason; the page is still there.
    const ev = (await auditAfter(svc, before)).filter((r) => r.action === 'dossier.abandon');
    expect(ev.map((r) => [r.actor, r.subject_id, r.details.reason])).toEqual([[clerkId, draft.dossierId, 'Công dân không bổ sung được giấy tờ']]);
    const pages = await apiValue<{ id: string; deleted: boolean }[]>(svc, 'pages.list', { componentId: draft.componentId });
    expect(pages.map((p) => p.deleted)).toEqual([false]);

    // …still found by CCCD, marked abandoned, and opened read-only with who/when/why; a clerk cannot restore it.
    await screen.getByTestId('find-input').fill(ABANDON_CCCD);
    const found = screen.locator(`[data-testid=found][data-id="${draft.dossierId}"]`);
    await found.waitFor({ timeout: 20_000 });
    await expect(found.getAttribute('data-state')).resolves.toBe('abandoned');
    await expect(found.textContent()).resolves.toContain('đã bỏ');
    await found.click();
    const banner = screen.getByTestId('abandoned');
    await banner.waitFor({ timeout: 20_000 });
    await expect(banner.textContent()).resolves.toContain('Công dân không bổ sung được giấy tờ');
    await expect(banner.textContent()).resolves.toContain('Nguyễn Thị Cán Bộ');
    await expect(banner.getByTestId('restore').count()).resolves.toBe(0);
    await expect(screen.getByTestId('abandon').count()).resolves.toBe(0);
    await eventually(() => screen.getByTestId('page').count(), { timeout: 30_000 }).toBe(1);
    await shot(page, 'drafts-1366-abandoned');

    // The admin restores it: a draft again, in the list, with its page.
    await page.getByTestId('sign-out').click();
    await signInUi(page, DEMO.admin);
    await screen.getByTestId('find-input').fill(ABANDON_CCCD);
    await found.waitFor({ timeout: 20_000 });
    await found.click();
    const restoreBefore = await lastSeq(svc);
    await screen.getByTestId('abandoned').getByTestId('restore').click();
    await eventually(() => dossier.getAttribute('data-state'), { timeout: 20_000 }).toBe('draft');
    await expect(screen.getByTestId('abandoned').count()).resolves.toBe(0);
    const restored = (await auditAfter(svc, restoreBefore)).filter((r) => r.action === 'dossier.restore');
    expect(restored.map((r) => [r.actor, r.subject_id])).toEqual([[adminId, draft.dossierId]]);
    await page.keyboard.press('Alt+N');
    await listed.waitFor({ timeout: 20_000 });
    expect(browser.errors).toEqual([]);
  });

  it('answers about a dossier that arrive after the clerk left it (abandoned, or "Hồ sơ mới" after a restore) do not bring it back', async () => {
    const { page } = browser;
    const screen = page.getByTestId('screen-intake');
    const dossier = screen.getByTestId('dossier');
    // Evaluated, not a <script> tag: the station's CSP allows its own scripts only.
    await page.evaluate(await buildHarness('holdAnswers.ts'));
    const late = await apiValue<{ id: string }>(svc, 'dossiers.create', { procedureCode: MARRIAGE, ownerId: LATE_CCCD, ownerName: 'Vũ Văn Trả Lời Muộn' });
    const listed = screen.locator(`[data-testid=draft][data-id="${late.id}"]`);
    await listed.waitFor({ timeout: 30_000 });
    await listed.click();
    await eventually(() => dossier.getAttribute('data-id'), { timeout: 20_000 }).toBe(late.id);

    // Abandoned while the screen's own reload of it (asked on its dossier.changed event) is on its way: that
    // answer comes in the commit that shows the start screen (before React's passive effects), after the
    // abandon's answer (renderer/harness/holdAnswers.ts).
    await screen.getByTestId('abandon').click();
    const dialog = page.getByTestId('abandon-dialog');
    await dialog.getByTestId('abandon-reason').fill('Trả lời muộn');
    await page.evaluate(`window.harness.holdAnswers(['dossiers.get'], { gate: 'dossiers.abandon', until: '${START_SCREEN}' })`);
    await dialog.getByTestId('abandon-confirm').click();
    await screen.getByTestId('abandon-done').waitFor({ timeout: 20_000 });
    await eventually(() => heldCount(page), { timeout: 20_000 })
      .toSatisfy((h: Held) => h.heldAtRelease >= 1 && h.delivered === h.heldAtRelease)
      .catch(async (err: unknown) => {
        throw new Error(`held answers: ${JSON.stringify(await heldCount(page))}\n${await screen.textContent()}`, { cause: err });
      });
    // The drafts list, asked when the start screen mounted, answered after the late answer was handled.
    await screen.getByTestId('draft').first().waitFor({ timeout: 20_000 });
    await expect(dossier.count()).resolves.toBe(0);
    await expect(listed.count()).resolves.toBe(0);

    // Restored by the admin, then "Hồ sơ mới" before the restore's own answer came (the dossier.changed
    // reload showed it as a draft first): that answer must not open the dossier again over the start screen.
    await screen.getByTestId('find-input').fill(LATE_CCCD);
    const found = screen.locator(`[data-testid=found][data-id="${late.id}"]`);
    await found.waitFor({ timeout: 20_000 });
    await found.click();
    await page.evaluate(`window.harness.holdAnswers(['dossiers.restore'], { until: '${START_SCREEN}' })`);
    await screen.getByTestId('abandoned').getByTestId('restore').click();
    await eventually(() => dossier.getAttribute('data-state'), { timeout: 20_000 }).toBe('draft');
    await expect(heldCount(page)).resolves.toMatchObject({ held: 1, delivered: 0 });
    await page.keyboard.press('Alt+N');
    await eventually(() => heldCount(page), { timeout: 20_000 }).toMatchObject({ heldAtRelease: 1, delivered: 1 });
    await listed.waitFor({ timeout: 20_000 });
    await expect(dossier.count()).resolves.toBe(0);
    await screen.getByTestId('find-input').fill('');
    expect(browser.errors).toEqual([]);
  });
});
