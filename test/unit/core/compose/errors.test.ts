import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { composeConfigError, composeErrorLocation, unknownServiceError } from '../../../../src/core/compose/errors';

describe('compose error locations', () => {
  it('takes the last YAML position (v1), resolving relative files', () => {
    const text = 'yaml.parser.ParserError: while parsing a block mapping\n  in "./dc.yml", line 2, column 3\nexpected <block end>\n  in "./dc.yml", line 5, column 4\n';
    assert.deepEqual(composeErrorLocation(text, '/w/.devcontainer', '/w/x.yml'), { file: '/w/.devcontainer/dc.yml', line: 5, column: 4 });
    const e = composeConfigError(text, ['/w/x.yml'], '/w/.devcontainer');
    assert.equal(e.code, 'config-invalid');
    assert.match(e.message, /line 5\): expected <block end>/);
  });
  it('reads the v2 form and falls back to the first file', () => {
    assert.deepEqual(composeErrorLocation('/w/dc.yaml: yaml: line 7: did not find expected key', '/', '/f.yml'), { file: '/w/dc.yaml', line: 7, column: 1 });
    assert.deepEqual(composeErrorLocation('services.app.ports is invalid', '/', '/f.yml'), { file: '/f.yml', line: 1, column: 1 });
  });
  it('names the missing service and those found', () => {
    const e = unknownServiceError('api', 'service', ['app', 'db'], '/w/devcontainer.json', ['/w/dc.yml']);
    assert.match(e.message, /'api'.*services found: app, db/);
    assert.equal(e.location?.path, 'service');
  });
});
