import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BerthError } from '../../../../src/core/errors';
import { dedupeMounts, parseMount, parseMountObject, parseMounts, parseMountString, splitMountFields } from '../../../../src/core/container/mounts';

describe('splitMountFields', () => {
  it('splits on commas outside quotes and unquotes', () => {
    assert.deepEqual(splitMountFields('type=bind,"source=/a,b",target=/c'), ['type=bind', 'source=/a,b', 'target=/c']);
    assert.deepEqual(splitMountFields('source="/x,y",target=/t'), ['source=/x,y', 'target=/t']);
    assert.deepEqual(splitMountFields('"source=/say ""hi""",target=/t'), ['source=/say "hi"', 'target=/t']);
    assert.deepEqual(splitMountFields(' type=volume , target=/t ,'), ['type=volume', 'target=/t']);
  });
});

describe('parseMountString', () => {
  it('reads a bind mount with readonly', () => {
    assert.deepEqual(parseMountString('type=bind,source=/a,target=/b,readonly'), { type: 'bind', source: '/a', target: '/b', readOnly: true });
  });

  it('takes the src/dst/destination aliases and ignores consistency', () => {
    assert.deepEqual(parseMountString('type=bind,src=/a,dst=/b,consistency=cached'), { type: 'bind', source: '/a', target: '/b' });
    assert.deepEqual(parseMountString('type=bind,src=/a,destination=/b,ro=false'), { type: 'bind', source: '/a', target: '/b', readOnly: false });
  });

  it('keeps commas inside a quoted workspace path (digest §6)', () => {
    assert.deepEqual(parseMountString('type=bind,"source=/home/u/a,b","target=/workspaces/a,b",consistency=cached'), {
      type: 'bind', source: '/home/u/a,b', target: '/workspaces/a,b',
    });
  });

  it('defaults to a volume, and reads volume and tmpfs options', () => {
    assert.deepEqual(parseMountString('source=cache,target=/c'), { type: 'volume', source: 'cache', target: '/c' });
    assert.deepEqual(parseMountString('type=volume,target=/anon,volume-nocopy'), { type: 'volume', target: '/anon', volumeNoCopy: true });
    assert.deepEqual(parseMountString('type=tmpfs,target=/tmp,tmpfs-size=64m,tmpfs-mode=1770'), {
      type: 'tmpfs', target: '/tmp', tmpfsSizeBytes: 64 * 1024 * 1024, tmpfsMode: 0o1770,
    });
    assert.deepEqual(parseMountString('type=bind,source=/a,target=/b,bind-propagation=rshared'), {
      type: 'bind', source: '/a', target: '/b', bindPropagation: 'rshared',
    });
  });

  const fails = (text: string, message: RegExp) =>
    assert.throws(() => parseMountString(text, { path: 'mounts[2]', locate: (path) => ({ file: '/w/d.json', line: 4, column: 3, path }) }), (e: unknown) => {
      assert.ok(e instanceof BerthError);
      assert.equal(e.code, 'config-invalid');
      assert.match(e.message, message);
      assert.equal(e.location?.path, 'mounts[2]');
      assert.equal(e.location?.line, 4);
      assert.ok(e.hint);
      return true;
    });

  it('rejects incomplete and unknown mounts clearly', () => {
    fails('type=bind,source=/a', /has no target/);
    fails('type=npipe,source=/a,target=/b', /unknown mount type 'npipe'; Berth supports bind, volume and tmpfs/);
    fails('type=bind,target=/b', /bind mount .* has no source/);
    fails('type=bind,source=rel,target=/b', /source 'rel' is not an absolute path/);
    fails('type=volume,source=v,target=rel', /target 'rel' is not an absolute path/);
    fails('type=tmpfs,source=x,target=/t', /cannot have a source/);
    fails('type=bind,source=/a,target=/b,readonly=perhaps', /true or false/);
    fails('type=volume,source=v,target=/b,volume-driver=local', /'volume-driver' is not supported/);
    fails('type=tmpfs,target=/t,tmpfs-size=big', /not a size/);
    fails('', /empty mount/);
  });
});

describe('parseMountObject', () => {
  it('converts objects and their extra options', () => {
    assert.deepEqual(parseMountObject({ type: 'volume', source: 'node_modules', target: '/w/node_modules' }), {
      type: 'volume', source: 'node_modules', target: '/w/node_modules',
    });
    assert.deepEqual(parseMountObject({ type: 'bind', source: '/a', target: '/b', readonly: true }), { type: 'bind', source: '/a', target: '/b', readOnly: true });
    assert.deepEqual(parseMountObject({ type: 'bind', source: '/a', target: '/b', readOnly: true }), { type: 'bind', source: '/a', target: '/b', readOnly: true });
  });

  it('rejects an object without target', () => {
    assert.throws(() => parseMount({ type: 'bind', source: '/a' } as never), /has no target/);
  });
});

describe('dedupeMounts / parseMounts', () => {
  it('keeps the last mount per target, at its own position', () => {
    const out = parseMounts([
      'type=volume,source=one,target=/data',
      { type: 'bind', source: '/x', target: '/x' },
      'type=volume,source=two,target=/data/',
    ]);
    assert.deepEqual(out, [
      { type: 'bind', source: '/x', target: '/x' },
      { type: 'volume', source: 'two', target: '/data/' },
    ]);
  });

  it('names the list index in errors', () => {
    assert.throws(() => parseMounts(['type=volume,target=/a', 'type=bind,target=/b'], (path) => ({ file: 'f', line: 1, column: 1, path })),
      (e: unknown) => e instanceof BerthError && e.location?.path === 'mounts[1]');
  });

  it('dedupeMounts leaves distinct targets alone', () => {
    const ms = [{ type: 'volume' as const, target: '/a' }, { type: 'volume' as const, target: '/b' }];
    assert.deepEqual(dedupeMounts(ms), ms);
  });
});
