import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readConfig } from '../../../src/core/config';
import type { BerthEvent } from '../../../src/core/events';
import { createRedactor, isSecretName, MASK, redactEvent, redactingSink, redactorForSpec, specSecrets } from '../../../src/core/redact';
import { tempWorkspace } from '../../support/configFixtures';

describe('isSecretName', () => {
  it('flags names that look secret', () => {
    for (const n of ['API_TOKEN', 'GITHUB_TOKEN', 'GHTOKEN', 'apiToken', 'DB_PASSWORD', 'MYSQL_ROOT_PASSWD', 'CLIENT_SECRET', 'AWS_SECRET_ACCESS_KEY',
      'API_KEY', 'apiKey', 'SSH_KEYS', 'GOOGLE_APPLICATION_CREDENTIALS', 'npm_config__auth', 'NPM_AUTH', 'OAUTH', 'DB_PASS', 'GPG_PASSPHRASE', 'GH_PAT']) {
      assert.equal(isSecretName(n), true, n);
    }
  });
  it('leaves look-alikes alone', () => {
    for (const n of ['KEYBOARD', 'XKB_KEYMAP', 'MONKEY', 'AUTHOR', 'GIT_AUTHOR_NAME', 'PASSTHROUGH', 'PWD', 'PATH', 'HOME', 'TOKENIZER_PATH', 'LANG']) {
      assert.equal(isSecretName(n), false, n);
    }
  });
});

describe('createRedactor', () => {
  const r = createRedactor(['hunter22', 'abc', 'multi\nline-secret', 'has"quote']);
  it('masks every occurrence, longest first, but not values too short to be secrets', () => {
    assert.equal(r.redact('pw=hunter22; again hunter22'), `pw=${MASK}; again ${MASK}`);
    assert.equal(r.redact('abc stays'), 'abc stays');
    assert.equal(r.size, 3);
  });
  it('masks JSON-escaped forms and each line of a multi-line value', () => {
    assert.equal(r.redact(JSON.stringify({ v: 'has"quote' })), `{"v":"${MASK}"}`);
    assert.equal(r.redact('line-secret alone'), `${MASK} alone`);
    assert.equal(r.redact(JSON.stringify('multi\nline-secret')), `"${MASK}"`);
  });
  it('redacts a secret split across stream chunks and keeps the rest of the text', () => {
    const s = r.stream();
    const chunks = ['token: hun', 'te', 'r22\nnext hunte', 'x\n'];
    const out = chunks.map((c) => s.push(c)).join('') + s.flush();
    assert.equal(out, `token: ${MASK}\nnext huntex\n`);
    const plain = createRedactor(['zzzz-secret']).stream();
    assert.equal(plain.push('no secret here\n'), 'no secret here\n');
  });
  it('holds back nothing when there are no secrets', () => {
    const s = createRedactor([]).stream();
    assert.equal(s.push('hunter22'), 'hunter22');
  });
});

describe('specSecrets / redactorForSpec', () => {
  it('collects localEnv values and secret-named values from a loaded spec', async () => {
    const ws = tempWorkspace({
      '.devcontainer/devcontainer.json': JSON.stringify({
        image: 'berth-test/busybox',
        containerEnv: { API_TOKEN: '${localEnv:MY_SECRET}', PLAIN: 'visible-value', DB_PASSWORD: 'literal-pw' },
        remoteEnv: { HOME_COPY: '${localEnv:HOME}', OTHER: '${localEnv:SOME_SETTING}' },
        runArgs: ['-e', 'GH_TOKEN=run-arg-token', '--env=LANG=C.UTF-8'],
      }),
    });
    try {
      const loaded = await readConfig({ workspaceFolder: ws.dir, env: { MY_SECRET: 's3cr3t-from-host', HOME: '/home/me', NPM_TOKEN: 'host-npm-token', SOME_SETTING: 'other-host-value' }, platform: 'linux' });
      const secrets = specSecrets(loaded, { NPM_TOKEN: 'host-npm-token', PATH: '/usr/bin' });
      for (const s of ['s3cr3t-from-host', 'literal-pw', 'run-arg-token', 'host-npm-token', 'other-host-value']) assert.ok(secrets.includes(s), s);
      // HOME is a place, not a secret: masking it would hide every host path.
      for (const s of ['visible-value', 'C.UTF-8', '/usr/bin', '/home/me']) assert.ok(!secrets.includes(s), s);
      const r = redactorForSpec(loaded);
      assert.equal(r.redact('API_TOKEN=s3cr3t-from-host PLAIN=visible-value'), `API_TOKEN=${MASK} PLAIN=visible-value`);
    } finally {
      ws.cleanup();
    }
  });
});

describe('redactEvent / redactingSink', () => {
  const r = createRedactor(['s3cr3t-value']);
  it('redacts the free-text fields of each event kind', () => {
    const events: BerthEvent[] = [
      { type: 'log', level: 'info', message: 'got s3cr3t-value' },
      { type: 'phase', phase: 'building', detail: 's3cr3t-value' },
      { type: 'build-step', step: 1, instruction: 'RUN echo s3cr3t-value' },
      { type: 'hook', hook: 'postCreateCommand', state: 'skipped', reason: 's3cr3t-value' },
    ];
    for (const e of events) assert.ok(!JSON.stringify(redactEvent(e, r)).includes('s3cr3t-value'), e.type);
    const c: BerthEvent = { type: 'container', containerId: 'abc', state: 'created' };
    assert.equal(redactEvent(c, r), c);
  });
  it('redacts streamed output across chunks and lets held text out before the next event', () => {
    const got: BerthEvent[] = [];
    const sink = redactingSink((e) => got.push(e), r);
    sink({ type: 'output', source: 'hook', text: 'value: s3cr' });
    sink({ type: 'output', source: 'hook', text: '3t-value end s3' });
    sink({ type: 'hook', hook: 'postCreateCommand', state: 'succeeded' });
    const text = got.filter((e) => e.type === 'output').map((e) => (e.type === 'output' ? e.text : '')).join('');
    assert.equal(text, `value: ${MASK} end s3`);
    assert.equal(got[got.length - 1].type, 'hook');
    sink({ type: 'output', source: 'build', text: 'tail s3cr' });
    sink.flush();
    assert.equal(got[got.length - 1].type === 'output' && got[got.length - 1], got[got.length - 1]);
    assert.ok(got.some((e) => e.type === 'output' && e.text.endsWith('s3cr')));
  });
  it('reads the redactor at each event, so a front end can swap in the spec\'s', () => {
    let current = createRedactor([]);
    const got: string[] = [];
    const sink = redactingSink((e) => e.type === 'log' && got.push(e.message), () => current);
    sink({ type: 'log', level: 'info', message: 'early s3cr3t-value' });
    current = r;
    sink({ type: 'log', level: 'info', message: 'late s3cr3t-value' });
    assert.deepEqual(got, ['early s3cr3t-value', `late ${MASK}`]);
  });
});
