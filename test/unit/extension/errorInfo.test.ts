import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BerthError } from '../../../src/core/errors';
import { errorInfo, isCancellation, isEngineUnavailable } from '../../../src/extension/errorInfo';

describe('errorInfo', () => {
  it('reads code, hint and location of a BerthError', () => {
    const loc = { file: '/w/.devcontainer/devcontainer.json', line: 4, column: 3, path: 'image' };
    const info = errorInfo(new BerthError('config-invalid', 'bad image', { location: loc, hint: 'fix it' }));
    assert.deepEqual(info, { code: 'config-invalid', message: 'bad image', hint: 'fix it', location: loc });
  });

  it('takes the first diagnostic location when the error has none', () => {
    const loc = { file: '/f', line: 2, column: 1 };
    const e = new BerthError('config-invalid', '2 problems', { diagnostics: [{ severity: 'error', message: 'a' }, { severity: 'error', message: 'b', location: loc }] });
    assert.deepEqual(errorInfo(e).location, loc);
  });

  it('reads a BerthError-shaped object from another bundle, and plain errors', () => {
    assert.equal(errorInfo({ name: 'BerthError', code: 'docker-unavailable', message: 'm' }).code, 'docker-unavailable');
    assert.deepEqual(errorInfo(new Error('plain')), { code: undefined, message: 'plain', hint: undefined, location: undefined });
    assert.equal(errorInfo('text').message, 'text');
  });
});

describe('isEngineUnavailable / isCancellation', () => {
  it('knows engine errors by code, Berth or errno', () => {
    assert.equal(isEngineUnavailable(new BerthError('docker-unavailable', 'x')), true);
    assert.equal(isEngineUnavailable(new BerthError('build-failed', 'x')), false);
    assert.equal(isEngineUnavailable(Object.assign(new Error('connect ENOENT'), { code: 'ENOENT' })), true);
    assert.equal(isEngineUnavailable(new Error('x')), false);
  });

  it('knows aborts', () => {
    assert.equal(isCancellation(new BerthError('cancelled', 'x')), true);
    assert.equal(isCancellation(Object.assign(new Error('aborted'), { name: 'AbortError' })), true);
    assert.equal(isCancellation(new Error('x')), false);
  });
});
