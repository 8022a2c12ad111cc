import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { markerDirFor, markerPath, parseMarkerOutput, readMarkers, writeMarker } from '../../../../src/core/lifecycle/markers';
import { FakeContainerExec } from '../../../support/fakeContainerExec';

describe('markers', () => {
  it('uses the reference CLI paths', () => {
    assert.equal(markerDirFor('/home/node'), '/home/node/.devcontainer');
    assert.equal(markerDirFor('/root/'), '/root/.devcontainer');
    assert.equal(markerPath('/home/node/.devcontainer', 'postCreateCommand'), '/home/node/.devcontainer/.postCreateCommandMarker');
    assert.equal(markerPath('/root/.devcontainer', 'postStartCommand'), '/root/.devcontainer/.postStartCommandMarker');
  });

  it('parses home, folder and marker contents (trailing newline of the reference format trimmed)', () => {
    const out =
      'home\x1f/home/node\x1e' +
      'dir\x1f/home/node/.devcontainer\x1e' +
      'onCreateCommand\x1f2026-11-30T01:00:00.1Z\n\x1e' +
      'postCreateCommand\x1f\x1e' +
      'postStartCommand\x1f2026-11-30T02:00:00Z\n\x1e';
    assert.deepEqual(parseMarkerOutput(out), {
      home: '/home/node',
      markerDir: '/home/node/.devcontainer',
      markers: { onCreateCommand: '2026-11-30T01:00:00.1Z', postCreateCommand: '', postStartCommand: '2026-11-30T02:00:00Z' },
    });
  });

  it('ignores unknown keys and defaults the folder from home', () => {
    assert.deepEqual(parseMarkerOutput('home\x1f/root\x1egarbage\x1fx\x1e'), { home: '/root', markerDir: '/root/.devcontainer', markers: {} });
  });

  it('reads everything in one exec as the given user', async () => {
    const exec = new FakeContainerExec(() => ({ stdout: 'home\x1f/home/u\x1edir\x1f/home/u/.devcontainer\x1eupdateContentCommand\x1fT1\n\x1e' }));
    const state = await readMarkers(exec, 'c1', { user: 'u' });
    assert.equal(exec.calls.length, 1);
    assert.equal(exec.calls[0].user, 'u');
    assert.equal(exec.calls[0].cmd[4], '', 'no markerDir override');
    assert.deepEqual(state.markers, { updateContentCommand: 'T1' });
    assert.equal(state.home, '/home/u');
  });

  it('passes a markerDir override as an argument, not in the script', async () => {
    const exec = new FakeContainerExec(() => ({ stdout: "home\x1f/root\x1edir\x1f/data/it's\x1e" }));
    const state = await readMarkers(exec, 'c1', { markerDir: "/data/it's" });
    assert.equal(exec.calls[0].cmd[4], "/data/it's");
    assert.ok(!exec.calls[0].cmd[2].includes("it's"));
    assert.equal(state.markerDir, "/data/it's");
  });

  it('a failing read is a docker-error with the stderr as hint', async () => {
    const exec = new FakeContainerExec(() => ({ exitCode: 126, stderr: 'sh: not found' }));
    await assert.rejects(readMarkers(exec, 'c1'), { code: 'docker-error', hint: 'sh: not found' });
  });

  it('writes value plus newline via positional args', async () => {
    const exec = new FakeContainerExec();
    await writeMarker(exec, 'c1', { user: 'u', markerDir: '/home/u/.devcontainer', hook: 'postStartCommand', value: '2026-11-30T02:00:00Z' });
    const call = exec.calls[0];
    assert.deepEqual(call.cmd.slice(4), ['/home/u/.devcontainer', 'postStartCommand', '2026-11-30T02:00:00Z']);
    assert.match(call.cmd[2], /mkdir -p "\$1" && printf "%s\\n" "\$3" > "\$1\/\.\$2Marker"/);
    assert.equal(call.user, 'u');
  });

  it('a failed write throws', async () => {
    const exec = new FakeContainerExec(() => ({ exitCode: 1 }));
    await assert.rejects(writeMarker(exec, 'c1', { markerDir: '/x', hook: 'onCreateCommand', value: 'v' }), { code: 'docker-error' });
  });
});
