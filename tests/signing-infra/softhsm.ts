/**
 * A SoftHSM2 token per test run (toolchain.md §6): private SOFTHSM2_CONF in a temp dir, RSA and EC key pairs
 * generated on the token, certificates issued by the test CA and written to the token under the same CKA_ID.
 * SOFTHSM2_CONF is set in this process (pkcs11js loads SoftHSM in-process) and passed to children.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestPki } from './pki';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
export const PKCS11_SPY = '/usr/lib/x86_64-linux-gnu/pkcs11/pkcs11-spy.so';

export interface TokenKey {
  id: string;
  label: string;
  certDer: Buffer;
}

export class TestToken {
  readonly dir: string;
  readonly conf: string;
  readonly label: string;
  readonly pin = '1234';
  readonly soPin = '5678';
  readonly keys: Record<string, TokenKey> = {};

  constructor(label = 'sohoa-test') {
    this.dir = mkdtempSync(join(tmpdir(), 'sohoa-hsm-'));
    mkdirSync(join(this.dir, 'tokens'));
    this.conf = join(this.dir, 'softhsm2.conf');
    writeFileSync(this.conf, `directories.tokendir = ${this.dir}/tokens\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
    process.env.SOFTHSM2_CONF = this.conf;
    this.label = label;
    this.tool('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', this.pin, '--so-pin', this.soPin]);
  }

  tool(cmd: string, args: string[]): Buffer {
    return execFileSync(cmd, args, { cwd: this.dir, env: { ...process.env, SOFTHSM2_CONF: this.conf }, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  private p11(args: string[]): Buffer {
    return this.tool('pkcs11-tool', ['--module', SOFTHSM_MODULE, '--token-label', this.label, ...args]);
  }

  /** Generates a key pair on the token and stores a CA-issued certificate for it. */
  addKey(pki: TestPki, name: string, id: string, type: 'rsa' | 'p256' | 'p384', certOpts: { startDate?: string; endDate?: string } = {}): TokenKey {
    const pubDer = join(this.dir, `pub${id}.der`);
    const pubPem = join(this.dir, `pub${id}.pem`);
    if (type === 'p384') {
      // pkcs11-tool 0.23 cannot read back a P-384 public key ("cannot create EVP_PKEY"): generate with openssl
      // and import the private key (CKA_SENSITIVE; signing still happens on the token).
      const keyPem = join(this.dir, `key${id}.pem`);
      const keyDer = join(this.dir, `key${id}.der`);
      this.tool('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', keyPem]);
      this.tool('openssl', ['pkey', '-in', keyPem, '-outform', 'DER', '-out', keyDer]);
      this.tool('openssl', ['pkey', '-in', keyPem, '-pubout', '-out', pubPem]);
      this.p11(['--login', '--pin', this.pin, '--write-object', keyDer, '--type', 'privkey', '--id', id, '--label', name, '--usage-sign']);
    } else {
      const keyType = type === 'rsa' ? 'rsa:2048' : 'EC:prime256v1';
      this.p11(['--login', '--pin', this.pin, '--keypairgen', '--key-type', keyType, '--id', id, '--label', name]);
      this.p11(['--read-object', '--type', 'pubkey', '--id', id, '-o', pubDer]);
      this.tool('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', pubDer, '-out', pubPem]);
    }
    const certDer = pki.issueForPublicKey(name, pubPem, certOpts);
    const certFile = join(this.dir, `cert${id}.der`);
    writeFileSync(certFile, certDer);
    this.p11(['--login', '--pin', this.pin, '--write-object', certFile, '--type', 'cert', '--id', id, '--label', name]);
    const k = { id, label: name, certDer };
    this.keys[name] = k;
    return k;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
