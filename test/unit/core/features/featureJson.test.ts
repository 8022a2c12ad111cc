import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BerthError } from '../../../../src/core/errors';
import { parseFeatureJson, resolveOptions } from '../../../../src/core/features/featureJson';

const json = parseFeatureJson(
  JSON.stringify({
    id: 'hello',
    version: '1.0.0',
    options: {
      version: { type: 'string', default: 'latest', proposals: ['latest', '1'] },
      color: { type: 'string', enum: ['red', 'green'], default: 'green' },
      loud: { type: 'boolean', default: false },
      name: { type: 'string' },
    },
  }),
  '/f/devcontainer-feature.json',
);

const loc = (option?: string) => ({ file: '/ws/devcontainer.json', line: option ? 4 : 3, column: 5 });

function resolve(value: unknown, warnings: string[] = []) {
  return resolveOptions(json, value, { featureKey: 'ghcr.io/x/hello:1', locate: loc, warn: (m) => warnings.push(m) });
}

describe('parseFeatureJson', () => {
  it('requires an id and well-typed options', () => {
    assert.throws(() => parseFeatureJson('{}', '/f.json'), /"id" must be a non-empty string/);
    assert.throws(() => parseFeatureJson('{"id":"x","options":{"a":{"type":"number"}}}', '/f.json'), /option "a": "type" must be "boolean" or "string"/);
    assert.throws(() => parseFeatureJson('not json', '/f.json'), (e: unknown) => e instanceof BerthError && e.code === 'config-invalid' && /\/f\.json: not valid JSON/.test(e.message));
    assert.throws(() => parseFeatureJson('{"id":"x","containerEnv":{"A":1}}', '/f.json'), /containerEnv" values must be strings/);
  });
});

describe('resolveOptions', () => {
  it('applies defaults, overlays user values, and maps a string to the version option', () => {
    assert.deepEqual(resolve({}).options, { version: 'latest', color: 'green', loud: false });
    assert.deepEqual(resolve({ color: 'red', loud: true, name: 'x' }).options, { version: 'latest', color: 'red', loud: true, name: 'x' });
    assert.deepEqual(resolve('1.2').options, { version: '1.2', color: 'green', loud: false });
    assert.deepEqual(resolve({ loud: 'true' }).options.loud, true);
    assert.deepEqual(resolve({ version: 18 }).options.version, '18');
  });

  it('names the Feature, the option, what it takes, and where, for a bad value', () => {
    assert.throws(
      () => resolve({ color: 'blue' }),
      (e: unknown) =>
        e instanceof BerthError &&
        e.code === 'config-invalid' &&
        e.message === 'Feature "ghcr.io/x/hello:1": option "color" takes one of "red", "green", not "blue"' &&
        e.location?.line === 4,
    );
    assert.throws(() => resolve({ loud: 'yes' }), /option "loud" takes true or false, not "yes"/);
    assert.throws(() => resolve({ name: ['a'] }), /option "name" takes a string, not \["a"\]/);
    assert.throws(() => resolve(42), /its value must be an object of options/);
  });

  it('warns about options the Feature does not declare and passes them on', () => {
    const warnings: string[] = [];
    assert.equal(resolve({ extra: 'x' }, warnings).options.extra, 'x');
    assert.match(warnings[0], /has no option "extra" \(it has version, color, loud, name\)/);
  });

  it('refuses a version string for a Feature without a version option', () => {
    const plain = parseFeatureJson('{"id":"p"}', '/p.json');
    assert.throws(() => resolveOptions(plain, '1', { featureKey: 'p', locate: loc, warn: () => undefined }), /has no "version" option/);
  });
});
