import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configToMetadataEntry, metadataFromLabels, parseMetadataLabel } from '../../../../src/core/config/metadata';
import { BerthError } from '../../../../src/core/errors';

describe('parseMetadataLabel', () => {
  it('reads an array, or one object, and drops empty entries', () => {
    assert.deepEqual(parseMetadataLabel('[{"id":"a","init":true},{},{"remoteUser":"u"}]'), [{ id: 'a', init: true }, { remoteUser: 'u' }]);
    assert.deepEqual(parseMetadataLabel('{"remoteUser":"u"}'), [{ remoteUser: 'u' }]);
    assert.deepEqual(parseMetadataLabel(undefined), []);
    assert.deepEqual(parseMetadataLabel('  '), []);
    assert.deepEqual(parseMetadataLabel('[1, "x", null]'), []);
  });

  it('fails on malformed JSON, naming the image', () => {
    assert.throws(() => parseMetadataLabel('[{', 'img:1'), (e: unknown) => e instanceof BerthError && e.code === 'config-invalid' && /img:1/.test(e.message));
  });

  it('reads the label from a label map', () => {
    assert.deepEqual(metadataFromLabels({ 'devcontainer.metadata': '{"privileged":true}', other: 'x' }), [{ privileged: true }]);
    assert.deepEqual(metadataFromLabels(undefined), []);
  });
});

describe('configToMetadataEntry', () => {
  it('picks the metadata properties with raw values and no defaults', () => {
    const entry = configToMetadataEntry({
      image: 'x', name: 'n', workspaceFolder: '/w', runArgs: ['a'], forwardPorts: [1], remoteUser: 'u', postCreateCommand: 'c',
      remoteEnv: { A: null }, customizations: { vscode: {} }, hostRequirements: { cpus: 2 }, features: { a: {} },
    });
    assert.deepEqual(entry, { forwardPorts: [1], remoteUser: 'u', postCreateCommand: 'c', remoteEnv: { A: null }, customizations: { vscode: {} }, hostRequirements: { cpus: 2 } });
    assert.deepEqual(configToMetadataEntry({ image: 'x' }), {});
  });
});
