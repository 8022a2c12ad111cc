// The extension's own behaviour inside a real VS Code, with a scripted fake core (the API's
// useService hook, test mode only): status bar text through the states, the command wrapper,
// auto-start modes, untrusted behaviour, "Show Container Status", "Open Spec File", "Add Dev
// Container Spec". The real core is restored at the end; container.test.ts uses it.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { BerthError } from '../../../src/core/errors';
import type { EventSink } from '../../../src/core/events';
import type { BerthService, StatusResult, UpOptions, UseCaseContext } from '../../../src/core/usecases/types';
import type { BerthExtensionApi } from '../../../src/extension/extension';

async function until<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A core whose watch and up the test drives step by step. */
class FakeCore {
  status: StatusResult;
  private onChange: ((s: StatusResult) => void) | undefined;
  private onError: ((e: unknown) => void) | undefined;
  upCalls: UpOptions[] = [];
  /** What the next up does; default: succeed at once. */
  upScript: (ctx: UseCaseContext) => Promise<void> = async () => undefined;

  constructor(folder: string, configFile: string) {
    this.status = { state: 'exited', configFile, workspaceFolder: folder, containerName: 'fake', ports: [], mounts: [], hooks: [], drift: [] };
  }

  emit(patch: Partial<StatusResult>): void {
    this.status = { ...this.status, ...patch };
    this.onChange?.(this.status);
  }

  fail(e: unknown): void {
    this.onError?.(e);
  }

  readonly service = {
    watch: (_ref, onChange, onError, signal) => {
      this.onChange = onChange;
      this.onError = onError;
      signal.addEventListener('abort', () => {
        if (this.onChange === onChange) this.onChange = undefined;
      });
      setTimeout(() => onChange(this.status), 0);
    },
    status: async () => this.status,
    up: async (options, ctx) => {
      this.upCalls.push(options);
      await this.upScript(ctx);
      this.emit({ state: 'running', containerId: 'f'.repeat(64), ports: [] });
      return { outcome: 'success', containerId: 'f'.repeat(64), remoteUser: 'root', remoteWorkspaceFolder: '/workspaces/x', action: 'created' };
    },
    stop: async () => this.emit({ state: 'exited' }),
    down: async () => this.emit({ state: 'none', containerId: undefined }),
    openSession: async () => {
      throw new Error('the fake core has no sessions');
    },
  } as Partial<BerthService> as BerthService;
}

function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => undefined as void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

suite('Berth extension UI (fake core)', () => {
  let api: BerthExtensionApi;
  let fake: FakeCore;
  let folder: string;

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<BerthExtensionApi>('berth-dev.berth');
    assert.ok(ext, 'Berth is not loaded');
    api = await ext.activate();
    await api.ready();
    assert.ok(api.useService, 'the test hooks are missing: is the host in extension test mode?');
    folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    fake = new FakeCore(folder, join(folder, '.devcontainer', 'devcontainer.json'));
    api.useService(fake.service);
  });

  suiteTeardown(async () => {
    api.simulateTrust?.(true);
    await vscode.workspace.getConfiguration('berth').update('autoStart', undefined, vscode.ConfigurationTarget.Workspace);
    api.useService?.(undefined);
  });

  test('activation found the spec and exposes the state', () => {
    const s = api.state();
    assert.deepEqual(s.specs, [join(folder, '.devcontainer', 'devcontainer.json')]);
    assert.equal(s.selectedSpec, s.specs[0]);
  });

  test('status bar: stopped, then running with the spec name and ports', async () => {
    await until('stopped', () => api.statusText() === '$(vm-outline) Berth: stopped');
    assert.equal(api.statusBar().command, 'berth.toggle');
    fake.emit({ state: 'running', ports: [{ containerPort: 1, protocol: 'tcp', hostIp: '', hostPort: 1 }, { containerPort: 2, protocol: 'tcp', hostIp: '', hostPort: 2 }] });
    await until('running', () => api.statusText() === '$(vm-running) Berth: e2e-suite · 2 ports');
    fake.emit({ state: 'exited', ports: [] });
    await until('stopped again', () => api.statusText() === '$(vm-outline) Berth: stopped');
  });

  test('status bar follows a start: build steps, a hook, then running', async () => {
    const step = gate();
    const hook = gate();
    const seen: string[] = [];
    const sub = api.onDidChangeState(() => seen.push(api.statusText()));
    fake.upScript = async (ctx) => {
      const events: EventSink = ctx.events;
      events({ type: 'phase', phase: 'building' });
      events({ type: 'build-step', step: 3, total: 7, instruction: 'RUN make' });
      await step.wait;
      events({ type: 'hook', hook: 'postCreateCommand', state: 'started' });
      events({ type: 'output', source: 'hook', name: 'postCreateCommand', text: 'hello from the hook\n' });
      await hook.wait;
      events({ type: 'hook', hook: 'postCreateCommand', state: 'succeeded', durationMs: 5 });
    };
    const done = vscode.commands.executeCommand('berth.start');
    await until('building', () => api.statusText() === '$(sync~spin) Berth: building (step 3/7)');
    assert.equal(api.state().activity?.kind, 'building');
    step.open();
    await until('hook', () => api.statusText() === '$(sync~spin) Berth: postCreateCommand');
    hook.open();
    await done;
    await until('running', () => api.statusText().startsWith('$(vm-running) Berth: e2e-suite'));
    sub.dispose();
    assert.ok(seen.includes('$(sync~spin) Berth: building (step 3/7)'), seen.join(' | '));
    assert.equal(fake.upCalls.length, 1);
    assert.equal(fake.upCalls[0].configFile, join(folder, '.devcontainer', 'devcontainer.json'));
    fake.emit({ state: 'exited' });
  });

  test('a failed start shows failed on the error background; the next start clears it', async () => {
    fake.upScript = async () => {
      throw new BerthError('hook-failed', 'postCreateCommand failed with exit code 1', { hint: 'see the log' });
    };
    await vscode.commands.executeCommand('berth.start');
    await until('failed', () => api.statusText() === '$(error) Berth: failed');
    assert.equal(api.statusBar().background, 'error');
    assert.equal(api.statusBar().command, 'berth.showLog');
    fake.upScript = async () => undefined;
    await vscode.commands.executeCommand('berth.start');
    await until('running', () => api.statusText().startsWith('$(vm-running)'));
    assert.equal(api.state().failure, undefined);
    await vscode.commands.executeCommand('berth.stop');
    await until('stopped', () => api.statusText() === '$(vm-outline) Berth: stopped');
  });

  test('Docker unavailable shows a warning item that explains', async () => {
    fake.fail(new BerthError('docker-unavailable', 'connect ENOENT /var/run/docker.sock', { hint: 'start Docker' }));
    await until('unavailable', () => api.statusText() === '$(warning) Berth: Docker unavailable');
    assert.equal(api.statusBar().command, 'berth.dockerHelp');
    fake.emit({ state: 'exited' });
    await until('back', () => api.statusText() === '$(vm-outline) Berth: stopped');
  });

  test('auto-start: off does nothing, always starts, prompt asks', async () => {
    const config = vscode.workspace.getConfiguration('berth');
    await api.forgetAutoStartAnswer();
    fake.upCalls = [];
    await config.update('autoStart', 'off', vscode.ConfigurationTarget.Workspace);
    assert.deepEqual(await api.decideAutoStart(), { action: 'none', why: 'off' });
    await config.update('autoStart', 'prompt', vscode.ConfigurationTarget.Workspace);
    assert.deepEqual(await api.decideAutoStart(), { action: 'prompt' });
    assert.equal(fake.upCalls.length, 0);
    await config.update('autoStart', 'always', vscode.ConfigurationTarget.Workspace);
    assert.deepEqual(await api.decideAutoStart(), { action: 'start' });
    await until('started', () => fake.upCalls.length === 1 && api.state().container?.state === 'running');
    assert.deepEqual(await api.decideAutoStart(), { action: 'none', why: 'already-running' });
    await vscode.commands.executeCommand('berth.stop');
    await config.update('autoStart', 'off', vscode.ConfigurationTarget.Workspace);
  });

  test('untrusted: nothing starts, not even on always; the status bar says why', async () => {
    fake.upCalls = [];
    api.simulateTrust!(false);
    try {
      await until('restricted', () => api.statusText() === '$(workspace-untrusted) Berth: restricted');
      assert.match(api.statusBar().tooltip, /not trusted/);
      await vscode.commands.executeCommand('berth.start');
      await vscode.commands.executeCommand('berth.rebuild');
      await vscode.workspace.getConfiguration('berth').update('autoStart', 'always', vscode.ConfigurationTarget.Workspace);
      assert.deepEqual(await api.decideAutoStart(), { action: 'explain-untrusted' });
      assert.equal(fake.upCalls.length, 0, 'up ran in an untrusted workspace');
    } finally {
      api.simulateTrust!(true);
      await vscode.workspace.getConfiguration('berth').update('autoStart', 'off', vscode.ConfigurationTarget.Workspace);
    }
  });

  test('Show Container Status renders the summary', async () => {
    fake.emit({ state: 'running', image: 'berth-test/busybox:latest', remoteUser: 'root', hooks: [{ hook: 'postCreateCommand', ranAt: '2026-01-01T00:00:00Z' }], drift: [{ input: 'image', needsRebuild: true }] });
    await vscode.commands.executeCommand('berth.showStatus');
    const report = api.statusReport();
    assert.match(report, /berth-test\/busybox:latest/);
    assert.match(report, /\| User \| root \|/);
    assert.match(report, /image: \*\*needs a rebuild\*\*/);
    // The hook outcome of the scripted start above, from the core's hook events.
    assert.match(report, /postCreateCommand: succeeded/);
    fake.emit({ state: 'exited', drift: [] });
  });

  test('a spec error remembers its place: Open Spec File goes there', async () => {
    const file = join(folder, '.devcontainer', 'devcontainer.json');
    fake.upScript = async () => {
      throw new BerthError('config-invalid', 'image must be a string', { location: { file, line: 4, column: 3, path: 'name' } });
    };
    await vscode.commands.executeCommand('berth.start');
    fake.upScript = async () => undefined;
    await vscode.commands.executeCommand('berth.openSpec');
    const editor = await until('an editor on the spec', () => {
      const e = vscode.window.activeTextEditor;
      return e && e.document.uri.fsPath === file ? e : undefined;
    });
    assert.equal(editor.selection.active.line, 3);
    assert.equal(editor.selection.active.character, 2);
    fake.emit({ state: 'exited' });
  });

  test('Open Spec File opens the spec at a line and column', async () => {
    const file = join(folder, '.devcontainer', 'devcontainer.json');
    // Line 5 is `  "image": …`: column 5 is inside the key.
    await vscode.commands.executeCommand('berth.openSpec', { file, line: 5, column: 5 });
    const editor = await until('an editor on the spec', () => {
      const e = vscode.window.activeTextEditor;
      return e && e.document.uri.fsPath === file ? e : undefined;
    });
    assert.equal(editor.selection.active.line, 4);
    assert.equal(editor.selection.active.character, 4);
  });

  test('Add Dev Container Spec writes a template and never overwrites', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-addspec-'));
    try {
      await vscode.commands.executeCommand('berth.addSpec', 'python', vscode.Uri.file(dir));
      const spec = join(dir, '.devcontainer', 'devcontainer.json');
      assert.ok(existsSync(spec));
      assert.match(readFileSync(join(dir, '.devcontainer', 'Dockerfile'), 'utf8'), /^FROM debian:bookworm-slim/m);
      writeFileSync(spec, '{ "image": "mine" }');
      await vscode.commands.executeCommand('berth.addSpec', 'debian', vscode.Uri.file(dir));
      assert.equal(readFileSync(spec, 'utf8'), '{ "image": "mine" }');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the workspace spec was never touched', () => {
    const text = readFileSync(join(folder, '.devcontainer', 'devcontainer.json'), 'utf8');
    assert.match(text, /"name": "e2e-suite"/);
  });
});
