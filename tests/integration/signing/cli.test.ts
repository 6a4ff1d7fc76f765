import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, SOHOA_BIN, type CliResult } from '../../helpers/cli';
import { makePdfA } from '../../signing-infra/pdfs';
import { TestPki, type IssuedCert } from '../../signing-infra/pki';
import { SOFTHSM_MODULE, TestToken } from '../../signing-infra/softhsm';
import { cliSignIn } from '../../helpers/session';

// `sohoa sign`, `sohoa verify`, `sohoa timestamp` as IT staff type them. Children run asynchronously (the
// loopback TSA lives in this process), in their own process group, killed on timeout.

let pki: TestPki;
let token: TestToken;
let work: string;
let input: string;
let clerk: IssuedCert;

function sohoa(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000, fd3?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SOHOA_BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      detached: true,
      stdio: fd3 === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    if (fd3 !== undefined) (child.stdio[3] as NodeJS.WritableStream).end(fd3);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sohoa-sign-cli-'));
  pki = new TestPki();
  await pki.start();
  token = new TestToken('cli-token');
  token.addKey(pki, 'UBND xa Tan Phu', '0c', 'p256');
  clerk = pki.issue('Vo Thi Clerk', 'rsa');
  input = await makePdfA(join(work, 'in.pdf'), 2);
}, 120_000);

afterAll(async () => {
  await pki?.stop();
  token?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('sohoa sign / verify', () => {
  it('signs as clerk (.p12) then agency (token), verifies, and names the signature a tampered byte breaks', async () => {
    const clerkOut = join(work, 'clerk.pdf');
    const agencyOut = join(work, 'agency.pdf');
    const env = { SOHOA_P12_PW: clerk.p12Password, SOHOA_PIN: token.pin, SOFTHSM2_CONF: token.conf };
    const s1 = await sohoa(['sign', input, '--out', clerkOut, '--p12', clerk.p12, '--password-env', 'SOHOA_P12_PW', '--level', 'B-T', '--tsa', pki.tsaUrl, '--trust', pki.caCert, '--json'], env);
    expect(s1.code, s1.stderr).toBe(0);
    expect(JSON.parse(s1.stdout)).toMatchObject({ ok: true, level: 'B-T', chain: 'trusted', signerName: 'Vo Thi Clerk' });
    const s2 = await sohoa(
      ['sign', clerkOut, '--out', agencyOut, '--pkcs11-module', SOFTHSM_MODULE, '--token-label', token.label, '--cert-id', '0c', '--pin-env', 'SOHOA_PIN', '--role', 'agency', '--agency', 'UBND xã Tân Phú', '--tsa', pki.tsaUrl, '--json'],
      env,
    );
    expect(s2.code, s2.stdout + s2.stderr).toBe(0);
    expect(JSON.parse(s2.stdout)).toMatchObject({ level: 'B-T', fieldName: 'Sig2' });

    const v = await sohoa(['verify', agencyOut, '--trust', pki.caCert, '--json']);
    expect(v.code, v.stdout).toBe(0);
    const rep = JSON.parse(v.stdout) as { valid: boolean; signatures: { index: number; valid: boolean; level: string; chain: string }[] };
    expect(rep.signatures.map((s) => [s.index, s.valid, s.level, s.chain])).toEqual([
      [1, true, 'B-T', 'trusted'],
      [2, true, 'B-T', 'trusted'],
    ]);

    // One byte changed inside data only the agency signature covers (its appearance font program).
    const bytes = readFileSync(agencyOut);
    const clerkLen = readFileSync(clerkOut).length;
    const text = bytes.toString('latin1');
    const streamAt = text.indexOf('stream\n', clerkLen);
    expect(streamAt).toBeGreaterThan(clerkLen);
    bytes[streamAt + 27] = bytes[streamAt + 27]! ^ 0x01;
    const tampered = join(work, 'tampered.pdf');
    writeFileSync(tampered, bytes);
    const t = await sohoa(['verify', tampered, '--trust', pki.caCert, '--json']);
    expect(t.code).toBe(3);
    const trep = JSON.parse(t.stdout) as { valid: boolean; signatures: { index: number; valid: boolean; intact: boolean; errors: string[] }[] };
    expect(trep.valid).toBe(false);
    expect(trep.signatures.map((s) => [s.index, s.valid])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(trep.signatures[1]!.errors.join(' ')).toContain('digest mismatch');

    // A byte inside the clerk-signed part breaks both.
    const bytes2 = readFileSync(agencyOut);
    const first = bytes2.toString('latin1').indexOf('stream\n');
    bytes2[first + 57] = bytes2[first + 57]! ^ 0x01;
    writeFileSync(tampered, bytes2);
    const t2 = await sohoa(['verify', tampered, '--json']);
    expect(t2.code).toBe(3);
    expect((JSON.parse(t2.stdout) as { signatures: { valid: boolean }[] }).signatures.map((s) => s.valid)).toEqual([false, false]);
  }, 120_000);

  it('reports PIN_INCORRECT for a wrong PIN and offers no --pin flag', async () => {
    const out = join(work, 'wrong-pin.pdf');
    const r = await sohoa(['sign', input, '--out', out, '--pkcs11-module', SOFTHSM_MODULE, '--token-label', token.label, '--pin-env', 'BAD_PIN', '--json'], {
      BAD_PIN: '0000',
      SOFTHSM2_CONF: token.conf,
    });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'PIN_INCORRECT' } });
    // The right PIN through a file descriptor (what scripts use) signs.
    const viaFd = await sohoa(['sign', input, '--out', out, '--pkcs11-module', SOFTHSM_MODULE, '--token-label', token.label, '--pin-fd', '3', '--json'], { SOFTHSM2_CONF: token.conf }, 60_000, `${token.pin}\n`);
    expect(viaFd.code, viaFd.stdout + viaFd.stderr).toBe(0);
    const flag = await sohoa(['sign', input, '--out', out, '--pkcs11-module', SOFTHSM_MODULE, '--token-label', token.label, '--pin', '1234']);
    expect(flag.code).toBe(2);
  });

  it('configures the station (signing config) and lists token certificates without a PIN (signing certs)', async () => {
    const dataDir = join(work, 'station');
    cliSignIn(dataDir);
    const refused = await sohoa(['signing', 'config', '--data-dir', dataDir, '--pkcs11-module', SOFTHSM_MODULE, '--json']);
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: 'TOKEN_MODULE_NOT_ALLOWED' } });
    const c = await sohoa(['signing', 'config', '--data-dir', dataDir, '--tsa', pki.tsaUrl, '--trust', pki.caCert, '--allow-module', SOFTHSM_MODULE, '--pkcs11-module', SOFTHSM_MODULE, '--agency', 'UBND xã Tân Phú', '--json']);
    expect(c.code, c.stderr).toBe(0);
    expect(JSON.parse(c.stdout)).toMatchObject({ tsaUrl: pki.tsaUrl, agencyName: 'UBND xã Tân Phú', pkcs11Modules: [SOFTHSM_MODULE] });
    expect((JSON.parse(c.stdout) as { trustAnchors: string[] }).trustAnchors).toHaveLength(1);
    const l = await sohoa(['signing', 'certs', '--data-dir', dataDir, '--json'], { SOFTHSM2_CONF: token.conf });
    expect(l.code, l.stderr).toBe(0);
    expect((JSON.parse(l.stdout) as { commonName: string; key: { tokenLabel: string; certId: string } }[]).map((e) => [e.commonName, e.key.tokenLabel, e.key.certId])).toEqual([
      ['UBND xa Tan Phu', token.label, '0c'],
    ]);
  }, 60_000);

  it('exits non-zero for a file without signatures', async () => {
    const r = await sohoa(['verify', input]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('No signatures');
  });
});
