import { existsSync, statSync } from 'node:fs';
import { roleSchema } from '../../common/schemas';
import { StationError } from '../../common/errors';
import { recoverAdmin } from '../../core/accounts/service';
import { Station } from '../../core/station/station';
import { EXIT, type Command, type Options } from '../command';
import { withClient } from '../connect';
import { printError, recoveryKeyNotice, table } from '../output';
import { readSecret } from '../secret';
import { removeCliSession, writeCliSession } from '../session';

const passwordOptions: Options = {
  'password-env': { type: 'string' },
  'password-fd': { type: 'string' },
};

function password(args: { values: Record<string, unknown> }, io: Parameters<Command['run']>[1]): Promise<string> {
  return readSecret(io, 'password', args.values['password-env'] as string | undefined, args.values['password-fd'] as string | undefined);
}

function missingUser(io: Parameters<Command['run']>[1], usage: string): number {
  io.err(`--user is required\nusage: ${usage}`);
  return EXIT.USAGE;
}

export const loginCommand: Command = {
  name: 'login',
  summary: "sign in as a clerk; the session is kept for this OS user (0600 file in the data directory)",
  usage: 'sohoa login --user NAME [--password-env VAR | --password-fd N] [--json]   (never a password on the command line)',
  options: { user: { type: 'string' }, ...passwordOptions },
  async run(args, io) {
    const user = args.values.user as string | undefined;
    if (!user) return missingUser(io, this.usage);
    const pw = await password(args, io);
    return withClient(args.dataDir, async (client) => {
      const r = await client.call('auth.signIn', { username: user, password: pw });
      if (!r.ok) return (printError(io, args.json, r.error), EXIT.ERROR);
      const file = writeCliSession(args.dataDir, r.value.session, r.value.user);
      if (args.json) io.out(JSON.stringify({ user: r.value.user, sessionFile: file, idleLockMinutes: r.value.idleLockMinutes, mustChangePassword: r.value.mustChangePassword }));
      else io.out(`Đã đăng nhập / signed in: ${r.value.user.name} (${r.value.user.login}, ${r.value.user.role})`);
      if (r.value.mustChangePassword && !args.json) io.err('Mật khẩu tạm: đặt mật khẩu mới bằng `sohoa password` trước khi làm việc / temporary password: set a new one with `sohoa password` first');
      return EXIT.OK;
    });
  },
};

export const passwordCommand: Command = {
  name: 'password',
  summary: 'change the signed-in clerk\'s own password (required after an admin\'s reset or a new account)',
  usage: 'sohoa password [--password-env VAR | --password-fd N] [--new-password-env VAR | --new-password-fd N]   (current, then new; never on the command line)',
  options: { ...passwordOptions, 'new-password-env': { type: 'string' }, 'new-password-fd': { type: 'string' } },
  async run(args, io) {
    const current = await password(args, io);
    const next = await readSecret(io, 'new-password', args.values['new-password-env'] as string | undefined, args.values['new-password-fd'] as string | undefined);
    return withClient(args.dataDir, async (client) => {
      const r = await client.call('auth.changePassword', { current, next });
      if (!r.ok) return (printError(io, args.json, r.error), EXIT.ERROR);
      if (args.json) io.out(JSON.stringify({ ok: true }));
      else io.out('Đã đổi mật khẩu / password changed');
      return EXIT.OK;
    });
  },
};

export const logoutCommand: Command = {
  name: 'logout',
  summary: 'end the CLI session',
  usage: 'sohoa logout',
  options: {},
  async run(args, io) {
    await withClient(args.dataDir, async (client) => client.call('auth.signOut', {}));
    removeCliSession(args.dataDir);
    io.out('Đã đăng xuất / signed out');
    return EXIT.OK;
  },
};

export const whoamiCommand: Command = {
  name: 'whoami',
  summary: 'who the CLI session belongs to',
  usage: 'sohoa whoami [--json]',
  options: {},
  async run(args, io) {
    return withClient(args.dataDir, async (client) => {
      const r = await client.call('auth.whoami', {});
      if (!r.ok) return (printError(io, args.json, r.error), EXIT.ERROR);
      if (args.json) io.out(JSON.stringify(r.value));
      else io.out(`${r.value.user.name} (${r.value.user.login}, ${r.value.user.role})${r.value.locked ? ' — khóa / locked' : ''}`);
      return EXIT.OK;
    });
  },
};

export const accountListCommand: Command = {
  name: 'account list',
  summary: 'list the clerks\' accounts (admin)',
  usage: 'sohoa account list [--json]',
  options: {},
  async run(args, io) {
    return withClient(args.dataDir, async (client) => {
      const r = await client.call('accounts.list', {});
      if (!r.ok) return (printError(io, args.json, r.error), EXIT.ERROR);
      if (args.json) io.out(JSON.stringify(r.value, null, 2));
      else io.out(table([['tên đăng nhập', 'họ tên', 'vai trò', 'hoạt động'], ...r.value.map((a) => [a.username, a.displayName, a.role, a.active ? 'x' : ''])]));
      return EXIT.OK;
    });
  },
};

export const accountAddCommand: Command = {
  name: 'account add',
  summary: 'add a clerk account (admin); the clerk changes the password at first sign-in',
  usage: 'sohoa account add --user NAME --name "Họ Tên" --role clerk|records_clerk|admin [--password-env VAR | --password-fd N] [--json]',
  options: { user: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, ...passwordOptions },
  async run(args, io) {
    const role = roleSchema.safeParse(args.values.role);
    const user = args.values.user as string | undefined;
    const name = args.values.name as string | undefined;
    if (!user || !name || !role.success) {
      io.err(`--user, --name and --role (clerk|records_clerk|admin) are required\nusage: ${this.usage}`);
      return EXIT.USAGE;
    }
    const pw = await password(args, io);
    return withClient(args.dataDir, async (client) => {
      const r = await client.call('accounts.create', { username: user, displayName: name, role: role.data, password: pw });
      if (!r.ok) return (printError(io, args.json, r.error), EXIT.ERROR);
      io.out(args.json ? JSON.stringify(r.value) : `Đã tạo / created: ${r.value.username} (${r.value.role})`);
      return EXIT.OK;
    });
  },
};

export const accountResetCommand: Command = {
  name: 'account reset-password',
  summary: "set a clerk's temporary password (admin); the clerk's sessions end",
  usage: 'sohoa account reset-password --user NAME [--password-env VAR | --password-fd N]',
  options: { user: { type: 'string' }, ...passwordOptions },
  async run(args, io) {
    const user = args.values.user as string | undefined;
    if (!user) return missingUser(io, this.usage);
    const pw = await password(args, io);
    return withClient(args.dataDir, async (client) => {
      const list = await client.call('accounts.list', {});
      if (!list.ok) return (printError(io, args.json, list.error), EXIT.ERROR);
      const a = list.value.find((x) => x.username === user.trim().toLowerCase());
      if (!a) return (printError(io, args.json, { code: 'NOT_FOUND', message: `no account ${user}` }), EXIT.ERROR);
      const r = await client.call('accounts.resetPassword', { id: a.id, password: pw });
      if (!r.ok) return (printError(io, args.json, r.error), EXIT.ERROR);
      io.out(`Đã đặt lại mật khẩu / password reset: ${a.username}`);
      return EXIT.OK;
    });
  },
};

/**
 * IT staff's recovery when no admin can sign in: run on the station PC as the OS user that owns the data
 * directory (or root), with the service stopped. It opens the station in-process — holding the data
 * directory is the proof — and never goes through the bridge.
 */
export const adminResetCommand: Command = {
  name: 'admin reset-password',
  summary: 'IT recovery: set (or create) an admin account\'s password; run as the data directory\'s owner, service stopped',
  usage: 'sohoa admin reset-password --user NAME [--password-env VAR | --password-fd N]',
  options: { user: { type: 'string' }, ...passwordOptions },
  async run(args, io) {
    const user = args.values.user as string | undefined;
    if (!user) return missingUser(io, this.usage);
    if (typeof process.getuid === 'function') {
      const uid = process.getuid();
      // A data directory not made yet will be this user's.
      const owner = existsSync(args.dataDir) ? statSync(args.dataDir).uid : uid;
      if (uid !== 0 && uid !== owner) throw new StationError('FORBIDDEN', `run as the owner of ${args.dataDir} (uid ${owner})`);
    }
    const pw = await password(args, io);
    const station = Station.open({ dataDir: args.dataDir, holder: 'cli' });
    if (station.protection.recoveryKey) process.stderr.write(`${recoveryKeyNotice(station.protection.recoveryKey)}\n`);
    try {
      const a = await recoverAdmin(station, user, pw);
      io.out(args.json ? JSON.stringify(a) : `Đã đặt lại / reset: ${a.username} (admin); đổi mật khẩu khi đăng nhập / change it at sign-in`);
      return EXIT.OK;
    } finally {
      await station.close();
    }
  },
};
