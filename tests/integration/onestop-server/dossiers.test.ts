import { afterEach, describe, expect, it } from 'vitest';
import type { OneStopServer } from '../../onestop-server/server';
import { enrolStation, getJson, json, makePdf, manifest, postJson, startServer, uploadFile } from './helpers';

let server: OneStopServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('one-stop server: dossiers', () => {
  it('commits once with a code of the receipt day (201), answers the same draft with 409 and the same code and receipt', async () => {
    server = await startServer();
    const st = await enrolStation(server.url);
    const f1 = await uploadFile(server.url, st.token, await makePdf('a'));
    const f2 = await uploadFile(server.url, st.token, await makePdf('b'));
    const m = manifest(st.stationId, 'ST-A-01JDRAFT0001', [f1, f2]);
    expect((await getJson(`${server.url}/v1/dossiers?draftId=ST-A-01JDRAFT0001`, st.token)).status).toBe(404);

    const first = await postJson(`${server.url}/v1/dossiers/commit`, m, st.token);
    expect(first.status).toBe(201);
    const d1 = json(first).data;
    expect(d1.dossierCode).toBe('H15.50-251203-0001');
    expect(d1.receipt).toMatchObject({ draftId: m.draftId, dossierCode: d1.dossierCode, version: 1 });
    expect(d1.receipt.files.map((f: { sha256: string }) => f.sha256).sort()).toEqual([f1.sha256, f2.sha256].sort());

    const again = await postJson(`${server.url}/v1/dossiers/commit`, m, st.token);
    expect(again.status).toBe(409);
    expect(json(again).data).toMatchObject({ reason: 'already_exists', dossierCode: d1.dossierCode, receipt: d1.receipt });

    const look = json(await getJson(`${server.url}/v1/dossiers?draftId=${m.draftId}`, st.token)).data;
    expect(look).toEqual({ dossierCode: d1.dossierCode, receipt: d1.receipt });
    const byCode = json(await getJson(`${server.url}/v1/dossiers/${d1.dossierCode}`, st.token)).data;
    expect(byCode.manifest.owner.id).toBe('001085012345');

    // next dossier that day → 0002; a receipt at 23:30 UTC is already the next day in Việt Nam
    const f3 = await uploadFile(server.url, st.token, await makePdf('c'));
    const second = json(await postJson(`${server.url}/v1/dossiers/commit`, manifest(st.stationId, 'ST-A-2', [f3]), st.token));
    expect(second.data.dossierCode).toBe('H15.50-251203-0002');
    const late = manifest(st.stationId, 'ST-A-3', [f3], { receivedAt: '2025-12-03T23:30:00Z', agencyCode: 'H15.51' });
    expect(json(await postJson(`${server.url}/v1/dossiers/commit`, late, st.token)).data.dossierCode).toBe('H15.51-251204-0001');
    expect(server.state().dossiers).toHaveLength(3);
    expect(server.stats().commits).toMatchObject({ created: 3, conflicts: 1 });
  });

  it('adds documents committed later (results) to the same dossier and lists every stored hash in the receipt', async () => {
    server = await startServer();
    const st = await enrolStation(server.url);
    const intake = await uploadFile(server.url, st.token, await makePdf('intake'));
    const m = manifest(st.stationId, 'ST-A-R', [intake]);
    const code = json(await postJson(`${server.url}/v1/dossiers/commit`, m, st.token)).data.dossierCode as string;
    const result = await uploadFile(server.url, st.token, await makePdf('result'));
    const withResult = {
      ...m,
      components: [
        ...m.components,
        { ...m.components[0], typeCode: 'KQ-KS', name: 'Giấy khai sinh', kind: 'result', resultCode: 'KQ-0001', documents: manifest('x', 'x', [result]).components[0]?.documents },
      ],
    };
    const upd = await postJson(`${server.url}/v1/dossiers/commit`, withResult, st.token);
    expect(upd.status).toBe(200);
    const r = json(upd).data;
    expect(r.dossierCode).toBe(code);
    expect(r.receipt.version).toBe(2);
    expect(r.receipt.files.map((f: { sha256: string; kind: string }) => [f.sha256, f.kind])).toEqual([
      [intake.sha256, 'intake'],
      [result.sha256, 'result'],
    ]);
    expect((await postJson(`${server.url}/v1/dossiers/commit`, withResult, st.token)).status).toBe(409);
  });

  it('rejects a commit referencing an unknown or hash-mismatched file with 400 naming the ids, storing nothing', async () => {
    server = await startServer();
    const st = await enrolStation(server.url);
    const good = await uploadFile(server.url, st.token, await makePdf('good'));
    const unknown = { fileId: 'F-0000000000000000', sha256: '0'.repeat(64) };
    const r1 = await postJson(`${server.url}/v1/dossiers/commit`, manifest(st.stationId, 'D-1', [good, unknown]), st.token);
    expect(r1.status).toBe(400);
    expect(json(r1).data).toMatchObject({ reason: 'unknown_files', unknownFiles: ['F-0000000000000000'] });
    expect(json(r1).data.errors[0].field).toBe('components[0].documents[1].fileId');

    const wrongHash = { fileId: good.fileId, sha256: 'f'.repeat(64) };
    const r2 = await postJson(`${server.url}/v1/dossiers/commit`, manifest(st.stationId, 'D-1', [wrongHash]), st.token);
    expect(r2.status).toBe(400);
    expect(json(r2).data).toMatchObject({ reason: 'hash_mismatch', mismatchedFiles: [good.fileId] });
    expect(server.state().dossiers).toEqual([]);
    expect((await postJson(`${server.url}/v1/dossiers/commit`, manifest(st.stationId, 'D-1', [good]), st.token)).status).toBe(201);
  });

  it('enforces the field limits real systems truncate to, and the station and agency of the token', async () => {
    server = await startServer({ agencies: ['H15.50'] });
    const st = await enrolStation(server.url);
    const other = await enrolStation(server.url, 'CODE-2', 'ST-B');
    const f = await uploadFile(server.url, st.token, await makePdf('limits'));
    const commit = (body: unknown, token = st.token) => postJson(`${server!.url}/v1/dossiers/commit`, body, token);
    const fields = async (body: unknown) => (json(await commit(body)).data.errors as { field: string }[]).map((e) => e.field);

    expect(await fields(manifest(st.stationId, 'L-1', [f], { summary: 'x'.repeat(1001) }))).toEqual(['summary']);
    expect(await fields(manifest(st.stationId, 'L-1', [{ ...f, fileName: `${'n'.repeat(4000)}.pdf` }]))).toEqual(['components[0].documents[0].fileName']);
    expect(await fields(manifest(st.stationId, 'L-1', [f], { procedureCode: '1001193', channel: 4 }))).toEqual(['procedureCode', 'channel']);
    expect(await fields(manifest(st.stationId, 'L-1', [f], { owner: { kind: 'citizen', idType: 'cccd', id: '12345', name: 'A' } }))).toEqual(['owner.id']);
    expect((await commit(manifest(st.stationId, 'L-1', [f], { summary: 'x'.repeat(1000) }))).status).toBe(201);

    const foreign = await commit(manifest(st.stationId, 'L-2', [f]), other.token);
    expect(foreign.status).toBe(403);
    expect(json(foreign).data.reason).toBe('station_mismatch');
    const agency = await commit(manifest(st.stationId, 'L-2', [f], { agencyCode: 'H99.01' }));
    expect(json(agency).data.reason).toBe('agency_not_allowed');
    // another station cannot read this station's dossier
    expect((await getJson(`${server.url}/v1/dossiers?draftId=L-1`, other.token)).status).toBe(404);
    expect((await getJson(`${server.url}/v1/dossiers?draftId=L-1`, st.token)).status).toBe(200);
    expect(server.state().dossiers.map((d) => d.draftId)).toEqual(['L-1']);
  });
});
