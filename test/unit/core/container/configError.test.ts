import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { locateInSpec, type Locate } from '../../../../src/core/container/configError';
import { runArgsUser } from '../../../../src/core/container/runArgs';

const locate: Locate = (path) => ({ file: '/ws/.devcontainer/devcontainer.json', line: 7, column: 3, path });

describe('locateInSpec', () => {
  const spec = { mounts: ['type=bind,source=/a,target=/a'], runArgs: ['--bad'], appPort: 3000 };
  it('locates a path whose value is the spec\'s own', () => {
    const at = locateInSpec(locate, spec, { ...spec, appPort: [3000] });
    assert.equal(at?.('runArgs[0]')?.line, 7);
    assert.equal(at?.('mounts[0]')?.path, 'mounts[0]');
    assert.equal(at?.('appPort[0]')?.path, 'appPort[0]', 'a scalar read as a one-item list');
  });
  it('does not point into the spec for values that came from image metadata, and follows moved ones', () => {
    const merged = { ...spec, mounts: ['type=volume,source=from-image,target=/img', ...spec.mounts] };
    const at = locateInSpec(locate, spec, merged);
    assert.equal(at?.('mounts[0]'), undefined);
    assert.equal(at?.('mounts[1]')?.path, 'mounts[0]', "the spec's own mount, moved by the merge");
    assert.equal(locateInSpec(undefined, spec, merged), undefined);
  });
});

describe('runArgsUser on bad runArgs', () => {
  it('names no user instead of throwing (planContainer reports the flag with its place)', () => {
    assert.equal(runArgsUser(['/dev/fuse', '-u', 'me']), undefined);
    assert.equal(runArgsUser(['--init', '-u', 'me']), 'me');
  });
});

describe('locateInSpec after dedupe', () => {
  it('finds a list item the merge moved', () => {
    const spec = { mounts: ['type=tmpfs,target=/t', 'type=volume,source=v,target=/v', 'type=bind,source=/b,target=/t'] };
    const merged = { mounts: ['type=volume,source=v,target=/v', 'type=bind,source=/b,target=/t'] };
    assert.equal(locateInSpec(locate, spec, merged)?.('mounts[1]')?.path, 'mounts[2]');
  });
});
