// Berth with its real core and the real Docker engine, inside a real VS Code: start the suite
// workspace's busybox container, run `echo` in a container terminal and read it back, run a task in
// the container (with its output's paths mapped to the host folder), stop, remove. Cleans up the
// container by its devcontainer.local_folder label whatever happens.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { BerthExtensionApi } from '../../../src/extension/extension';

async function until<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function containersOf(folder: string): string[] {
  const out = execFileSync('docker', ['ps', '-aq', '--filter', `label=devcontainer.local_folder=${folder}`], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

suite('Berth with the real core and Docker', () => {
  let api: BerthExtensionApi;
  let folder: string;

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<BerthExtensionApi>('berth-dev.berth');
    assert.ok(ext, 'Berth is not loaded');
    api = await ext.activate();
    api.useService?.(undefined);
    await api.ready();
    folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
  });

  suiteTeardown(() => {
    const ids = containersOf(folder);
    if (ids.length > 0) execFileSync('docker', ['rm', '-f', '-v', ...ids]);
  });

  test('the watch reports the engine and the container state', async () => {
    await until('a first status', () => api.state().container !== undefined || api.state().docker === 'unavailable');
    assert.equal(api.state().docker, 'available', `docker: ${api.state().dockerMessage ?? ''}`);
  });

  test('Start brings the container up and the status bar says running', async () => {
    await vscode.commands.executeCommand('berth.start');
    assert.equal(api.state().failure, undefined, `start failed: ${api.state().failure?.message}`);
    await until('running', () => api.state().container?.state === 'running');
    assert.equal(containersOf(folder).length, 1);
    // The suite's spec publishes no ports, so the text is the name alone.
    await until('running text', () => api.statusText() === '$(vm-running) Berth: e2e-suite');
  });

  test('Show Container Status describes the running container', async () => {
    await vscode.commands.executeCommand('berth.showStatus');
    const report = api.statusReport();
    assert.match(report, /\| State \| running \|/);
    assert.match(report, /postCreateCommand/);
    assert.ok(report.includes(folder), report);
  });

  test('a container terminal runs echo and shows the exit code', async () => {
    const before = api.terminals().length;
    const terminal = (await vscode.commands.executeCommand('berth.openTerminal')) as vscode.Terminal | undefined;
    assert.ok(terminal, 'no terminal opened');
    const transcript = await until('a transcript', () => api.terminals()[before]);
    // Wait for the shell to be there before typing (its prompt, or any output).
    await until('the shell to start', () => transcript.text.length > 0 || transcript.exited, 30_000);
    terminal.sendText('echo berth-$((40+2))-ü');
    await until('the echo', () => /berth-42-ü/.test(transcript.text), 30_000);
    // Ctrl-C reaches the foreground process: the sleep ends long before 60 s.
    terminal.sendText('sleep 60');
    await new Promise((r) => setTimeout(r, 500));
    terminal.sendText('\x03', false);
    terminal.sendText('echo after-int-$((1+1))');
    await until('the shell after Ctrl-C', () => /after-int-2/.test(transcript.text), 15_000);
    // The TTY has the terminal's size (setDimensions reaches the exec).
    const dims = await until('terminal dimensions', () => transcript.size);
    terminal.sendText('echo size-$(stty size | tr " " x)');
    const size = await until('stty size', () => /size-(\d+)x(\d+)/.exec(transcript.text), 15_000);
    assert.deepEqual([Number(size[1]), Number(size[2])], [dims.rows, dims.cols]);
    terminal.sendText('exit 3');
    await until('the exit', () => transcript.exited, 30_000);
    assert.equal(transcript.exitCode, 3);
    assert.match(transcript.text, /\[process exited with code 3\]/);
    terminal.dispose();
  });

  test('a berth task runs in the container and its paths map to the host folder', async () => {
    const task = api.createTask({ type: 'berth', command: 'echo task-$((1+1)); pwd; exit 0' }, 'e2e echo');
    const ended = new Promise<number | undefined>((resolve) => {
      const sub = vscode.tasks.onDidEndTaskProcess((e) => {
        if (e.execution.task.name === 'e2e echo') {
          sub.dispose();
          resolve(e.exitCode);
        }
      });
    });
    const before = api.taskRuns().length;
    await vscode.tasks.executeTask(task);
    const exit = await Promise.race([ended, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000))]);
    assert.equal(exit, 0);
    const run = api.taskRuns()[before];
    assert.ok(run, 'no task run recorded');
    assert.match(run.output, /task-2/);
    // `pwd` prints the container workspace folder; the mapping shows it as the host folder.
    assert.ok(run.output.includes(folder), `host folder not in: ${JSON.stringify(run.output)}`);
  });

  test('Stop stops it; Remove removes it without touching the workspace', async () => {
    await vscode.commands.executeCommand('berth.stop');
    await until('stopped', () => api.state().container?.state === 'exited');
    await until('stopped text', () => api.statusText() === '$(vm-outline) Berth: stopped');
    await vscode.commands.executeCommand('berth.remove', { confirm: false });
    await until('removed', () => containersOf(folder).length === 0);
    assert.ok(api.state().specs.length === 1, 'the spec is still there');
  });
});
