import { startBridge } from '../../core/bridge/server';
import { openStationServices } from '../../core/service/stationServices';
import { prepareFirstRun, setupLink } from '../../core/station/firstRun';
import { EXIT, type Command } from '../command';
import { recoveryKeyNotice } from '../output';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the station service with its web UI on 127.0.0.1 (prints the URL and token)',
  usage: 'sohoa serve [--port N] [--demo] [--ui-dir DIR] [--json]',
  options: {
    port: { type: 'string' },
    demo: { type: 'boolean' },
    'ui-dir': { type: 'string' },
  },
  async run(args, io) {
    const portText = args.values.port as string | undefined;
    const port = portText === undefined ? 0 : Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      io.err(`--port must be 0–65535, got ${portText}`);
      return EXIT.USAGE;
    }
    const services = openStationServices({ dataDir: args.dataDir, demo: args.values.demo === true || process.env.SOHOA_DEMO === '1', holder: 'serve' });
    const { station, dispatcher } = services;
    if (station.protection.recoveryKey) io.err(recoveryKeyNotice(station.protection.recoveryKey));
    services.startBackground(); // outbox worker, timestamp retry (stop when the station closes)
    let bridge;
    let first;
    try {
      first = await prepareFirstRun(station);
      const uiDir = args.values['ui-dir'] as string | undefined;
      bridge = await startBridge(station, dispatcher, uiDir === undefined ? { port } : { port, uiDir });
    } catch (err) {
      await station.close();
      throw err;
    }
    // While no admin exists the printed link carries the one-time setup code (it creates the first admin).
    const openUrl = setupLink(`${bridge.info.url}#token=${bridge.info.token}`, first.setupCode);
    if (args.json) io.out(JSON.stringify({ ...bridge.info, openUrl, setupRequired: first.setupCode !== null, demoAccounts: station.demo, preset: first.preset, dataDir: station.layout.root, bridgeFile: station.layout.bridgeFile }));
    else {
      io.out(`SoHoa Station đang chạy / is running`);
      io.out(`  Mở / open:  ${openUrl}`);
      if (first.setupCode !== null) io.out(`  Lần đầu / first run: mở liên kết trên để tạo tài khoản quản trị (dùng một lần) / open the link above to create the admin (one-time)`);
      if (station.demo) io.out(`  Demo: quantri / demo-quantri (admin) · canbo / demo-canbo1 (clerk) · vanthu / demo-vanthu (records clerk)`);
      if (first.preset) io.out(`  Cấu hình cài đặt / preset applied: ${first.preset.file} (${first.preset.applied.join(', ')})`);
      io.out(`  Token:      ${bridge.info.token}`);
      io.out(`  Dữ liệu / data: ${station.layout.root}`);
      io.out(`  Bridge file: ${station.layout.bridgeFile}`);
      io.out(`Ctrl-C để dừng / to stop.`);
    }
    await new Promise<void>((resolve) => {
      const stop = (): void => resolve();
      process.once('SIGINT', stop);
      // SIGTERM can arrive twice — sent to the process group (systemd, a test) and passed on by bin/sohoa.mjs
      // when it re-ran serve with the malloc tunables: a repeat must not end the process before the database
      // is closed, so it stays handled (a second Ctrl-C still ends it at once).
      process.on('SIGTERM', stop);
    });
    await bridge.close();
    await station.close();
    return EXIT.OK;
  },
};
