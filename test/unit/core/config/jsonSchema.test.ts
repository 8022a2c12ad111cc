import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { editDistance, keywordsUsed, SchemaChecker, suggestName, SUPPORTED_KEYWORDS, type SchemaNode } from '../../../../src/core/config/jsonSchema';
import { devcontainerSchema } from '../../../../src/core/config/validate';

const schema: SchemaNode = {
  type: 'object',
  definitions: {
    cmd: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    mount: { type: 'object', required: ['target'], properties: { target: { type: 'string' } } },
  },
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    count: { type: 'integer', minimum: 1, maximum: 10 },
    mode: { type: 'string', enum: ['a', 'b'] },
    kind: { const: 'fixed' },
    port: { type: 'string', pattern: '^\\d+$' },
    hook: { $ref: '#/definitions/cmd' },
    mount: { oneOf: [{ type: 'string' }, { $ref: '#/definitions/mount' }] },
    env: { type: 'object', additionalProperties: { type: ['string', 'null'] } },
  },
};

function check(value: unknown) {
  return new SchemaChecker(schema).check(value);
}

describe('SchemaChecker', () => {
  it('accepts a valid value', () => {
    assert.deepEqual(check({ name: 'x', count: 3, mode: 'a', kind: 'fixed', port: '80', hook: ['a'], mount: { target: '/t' }, env: { A: null, B: 'b' } }), []);
  });

  it('names the path, the expected type and the actual one', () => {
    assert.deepEqual(check({ name: 1 }).map((i) => i.message), ['`name` must be a string, got number']);
    assert.deepEqual(check({ count: 2.5 }).map((i) => i.message), ['`count` must be an integer, got number 2.5']);
    assert.deepEqual(check({ env: { A: 1 } }).map((i) => [i.message, i.path]), [['`env.A` must be a string or null, got number', ['env', 'A']]]);
  });

  it('checks enum, const, pattern, minimum and maximum', () => {
    assert.match(check({ mode: 'c' })[0].message, /`mode` must be one of "a", "b", got "c"/);
    assert.match(check({ kind: 'other' })[0].message, /`kind` must be "fixed"/);
    assert.match(check({ port: 'x' })[0].message, /`port` has an unexpected form "x"/);
    assert.match(check({ count: 0 })[0].message, /at least 1/);
    assert.match(check({ count: 11 })[0].message, /at most 10/);
  });

  it('explains a value matching no branch by the branches types, or by the branch of its type', () => {
    assert.deepEqual(check({ hook: 5 }).map((i) => i.message), ['`hook` must be a string or an array, got number 5']);
    assert.deepEqual(check({ hook: ['a', 2] }).map((i) => i.message), ['`hook[1]` must be a string, got number']);
    assert.deepEqual(check({ mount: {} }).map((i) => i.message), ['`mount` is missing the required property `target`']);
  });

  it('warns about unknown properties, with a suggestion for near misses', () => {
    const [issue] = check({ nmae: 'x' });
    assert.equal(issue.severity, 'warning');
    assert.equal(issue.key, true);
    assert.equal(issue.suggestion, 'name');
    assert.match(issue.message, /unknown property `nmae`; did you mean `name`\?/);
    assert.equal(check({ completelyDifferent: 1 })[0].suggestion, undefined);
  });
});

describe('suggestName', () => {
  it('suggests close names only', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(suggestName('postCreateCommands', ['postCreateCommand', 'postStartCommand']), 'postCreateCommand');
    assert.equal(suggestName('REMOTEUSER', ['remoteUser']), 'remoteUser');
    assert.equal(suggestName('xyz', ['image', 'name']), undefined);
    assert.equal(suggestName('a'.repeat(5000), ['image']), undefined);
  });
});

describe('schemas/devcontainer.schema.json', () => {
  it('uses only keywords the checker supports', () => {
    const unsupported = keywordsUsed(devcontainerSchema).filter((k) => !SUPPORTED_KEYWORDS.has(k.keyword));
    assert.deepEqual(unsupported, []);
  });

  it('is draft-07 and every $ref resolves', () => {
    assert.equal(devcontainerSchema.$schema, 'http://json-schema.org/draft-07/schema#');
    const refs = JSON.stringify(devcontainerSchema).match(/"\$ref":"#\/definitions\/[^"]+"/g) ?? [];
    assert.ok(refs.length > 5);
    for (const r of refs) {
      const name = r.slice('"$ref":"#/definitions/'.length, -1);
      assert.ok(devcontainerSchema.definitions?.[name], `missing definition ${name}`);
    }
  });

  it('describes every top-level property (hover text)', () => {
    const props = devcontainerSchema.properties ?? {};
    for (const [name, p] of Object.entries(props)) {
      assert.ok(p.description && p.description.length > 15, `${name} has no useful description`);
    }
  });

  it('covers the devcontainer.json reference properties', () => {
    const props = Object.keys(devcontainerSchema.properties ?? {});
    const expected = ['name', 'image', 'build', 'dockerFile', 'context', 'dockerComposeFile', 'service', 'runServices', 'workspaceMount',
      'workspaceFolder', 'mounts', 'runArgs', 'containerEnv', 'remoteEnv', 'remoteUser', 'containerUser', 'updateRemoteUserUID', 'userEnvProbe',
      'overrideCommand', 'shutdownAction', 'init', 'privileged', 'capAdd', 'securityOpt', 'forwardPorts', 'portsAttributes', 'otherPortsAttributes',
      'appPort', 'initializeCommand', 'onCreateCommand', 'updateContentCommand', 'postCreateCommand', 'postStartCommand', 'postAttachCommand',
      'waitFor', 'features', 'overrideFeatureInstallOrder', 'hostRequirements', 'customizations', '$schema'];
    assert.deepEqual(expected.filter((p) => !props.includes(p)), []);
    const build = Object.keys(devcontainerSchema.properties?.build?.properties ?? {});
    assert.deepEqual(build.sort(), ['args', 'cacheFrom', 'context', 'dockerfile', 'options', 'target']);
  });
});
