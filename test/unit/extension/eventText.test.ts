import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineBuffer, describeEvent, redactSecrets } from '../../../src/extension/eventText';

describe('LineBuffer', () => {
  it('joins chunks into lines per stream and keeps streams apart', () => {
    const b = new LineBuffer();
    assert.deepEqual(b.push('build', 'Step 1/2 : FR'), []);
    assert.deepEqual(b.push('hook postCreateCommand', 'ok\n'), ['[hook postCreateCommand] ok']);
    assert.deepEqual(b.push('build', 'OM debian\r\nStep 2/2'), ['[build] Step 1/2 : FROM debian']);
    assert.deepEqual(b.flush(), ['[build] Step 2/2']);
    assert.deepEqual(b.flush(), []);
  });

  it('strips colours and carriage-return redraws', () => {
    const b = new LineBuffer();
    assert.deepEqual(b.push('build', '\x1b[32mgreen\x1b[0m\n10%\r50%\r100%\n'), ['[build] green', '[build] 100%']);
  });
});

describe('describeEvent', () => {
  it('puts a failed hook at error with its exit code', () => {
    assert.deepEqual(describeEvent({ type: 'hook', hook: 'postCreateCommand', state: 'failed', exitCode: 2, durationMs: 1500 }), {
      level: 'error',
      message: '[hook] postCreateCommand failed with exit code 2 in 1.5s',
    });
  });

  it('keeps the level and component of log events and leaves output to the buffer', () => {
    assert.deepEqual(describeEvent({ type: 'log', level: 'debug', component: 'engine', message: 'docker exec x' }), { level: 'debug', message: '[engine] docker exec x' });
    assert.equal(describeEvent({ type: 'output', source: 'build', text: 'x' }), undefined);
  });
});

describe('redactSecrets', () => {
  it('masks secret-looking env values, keeps the rest', () => {
    assert.equal(redactSecrets('docker run -e GITHUB_TOKEN=abc123 -e HOME=/root'), 'docker run -e GITHUB_TOKEN=*** -e HOME=/root');
    assert.equal(redactSecrets('DB_PASSWORD="s e c" api_key=x'), 'DB_PASSWORD=*** api_key=***');
  });
});
