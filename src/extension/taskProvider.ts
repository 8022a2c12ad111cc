/**
 * Tasks in the container: the `berth` task type (tasks.json: `{ "type": "berth", "command": … }`)
 * runs through a CustomExecution over `BerthService.openSession`, and "Run Task in Container"
 * re-runs a workspace's shell or process task there. Container paths in the output are mapped back
 * to the host folder so the task's problem matchers find the files.
 */
import * as vscode from 'vscode';
import type { BerthService } from '../core/usecases/types';
import { ContainerPty } from './containerPty';
import type { BerthLog } from './log';
import {
  type BerthTaskDefinition,
  StreamingPathMapper,
  hostToContainerPath,
  shellQuote,
  substituteWorkspaceFolder,
  taskCommandLine,
} from './pathMapping';
import type { Specs } from './specs';
import type { WorkspaceState } from './workspaceState';

export const taskType = 'berth';

/** One run of a berth task, for the extension API (e2e tests). */
export interface TaskRun {
  name: string;
  output: string;
  exitCode?: number;
  done: boolean;
}

const str = (v: string | vscode.ShellQuotedString) => (typeof v === 'string' ? v : v.value);

export class TaskProvider implements vscode.TaskProvider, vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  readonly runs: TaskRun[] = [];

  constructor(
    private readonly service: BerthService,
    private readonly state: WorkspaceState,
    private readonly specs: Specs,
    private readonly log: BerthLog,
    /** The container workspace folder from the latest status, so picking a task needs no engine call. */
    private readonly remoteFolder: () => string | undefined,
  ) {
    this.disposables.push(vscode.tasks.registerTaskProvider(taskType, this));
  }

  provideTasks(): vscode.Task[] {
    // Berth contributes no tasks of its own; it runs the ones written in tasks.json.
    return [];
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const def = task.definition as Partial<BerthTaskDefinition>;
    if (def.type !== taskType || typeof def.command !== 'string') return undefined;
    return this.makeTask(def as BerthTaskDefinition, task.scope ?? vscode.TaskScope.Workspace, task.name, task.problemMatchers);
  }

  makeTask(def: BerthTaskDefinition, scope: vscode.TaskScope | vscode.WorkspaceFolder, name: string, matchers: string[] = []): vscode.Task {
    const task = new vscode.Task(def, scope, name, taskType, this.execution(def, name), matchers);
    task.detail = `in the dev container: ${def.args ? [def.command, ...def.args].map(shellQuote).join(' ') : def.command}`;
    return task;
  }

  private execution(def: BerthTaskDefinition, name: string): vscode.CustomExecution {
    return new vscode.CustomExecution(async () => {
      const run: TaskRun = { name, output: '', done: false };
      this.runs.push(run);
      if (this.state.state.container?.state !== 'running') await vscode.commands.executeCommand('berth.start');
      const ref = this.specs.ref();
      const ctx = { events: this.log.sink, env: process.env };
      let containerFolder: string | undefined;
      try {
        containerFolder = ref ? (await this.service.status(ref, ctx)).remoteWorkspaceFolder : undefined;
      } catch (e) {
        this.log.error(`[task] ${name}: status`, e);
      }
      const line = taskCommandLine(def, containerFolder ?? '/');
      return new ContainerPty({
        closeOnExit: true,
        mapper: containerFolder && ref ? new StreamingPathMapper(containerFolder, ref.workspaceFolder) : undefined,
        open: (cols, rows) => {
          if (!ref) throw new Error('This workspace has no dev container spec.');
          this.log.write('debug', `[task] ${name}: ${line.cmd.map(shellQuote).join(' ')} (in ${line.cwd})`);
          return this.service.openSession(ref, { cols, rows, cmd: line.cmd, cwd: containerFolder ? line.cwd : def.cwd }, ctx);
        },
        onOutput: (text) => {
          run.output += text;
        },
        onExit: (code) => {
          run.exitCode = code;
          run.done = true;
          this.log.write('info', `[task] ${name} exited with code ${code ?? 'unknown'}`);
        },
      });
    });
  }

  /** "Run Task in Container": pick a shell/process task of the workspace and run its command in the container. */
  async runWorkspaceTask(): Promise<void> {
    const ref = this.specs.ref();
    if (!ref) return;
    const all = await vscode.tasks.fetchTasks();
    const candidates = all.filter(
      (t) => t.definition.type !== taskType && (t.execution instanceof vscode.ShellExecution || t.execution instanceof vscode.ProcessExecution),
    );
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage('Berth: this workspace has no shell or process tasks to run in the container.');
      return;
    }
    const picked = await vscode.window.showQuickPick(
      candidates.map((t) => ({ label: t.name, description: t.source, detail: describeExecution(t), task: t })),
      { placeHolder: 'Task to run in the dev container', matchOnDescription: true },
    );
    if (!picked) return;
    const def = this.toBerthDefinition(picked.task, ref.workspaceFolder);
    const task = this.makeTask(def, picked.task.scope ?? vscode.TaskScope.Workspace, picked.task.name, picked.task.problemMatchers);
    task.presentationOptions = picked.task.presentationOptions;
    task.group = picked.task.group;
    await vscode.tasks.executeTask(task);
  }

  private toBerthDefinition(task: vscode.Task, hostFolder: string): BerthTaskDefinition {
    const exec = task.execution as vscode.ShellExecution | vscode.ProcessExecution;
    const containerFolder = this.remoteFolder();
    let cwd: string | undefined;
    if (exec.options?.cwd) {
      const host = substituteWorkspaceFolder(exec.options.cwd, hostFolder);
      // Relative folders stay relative (to the container workspace); host paths are mapped.
      cwd = /^([\\/]|[A-Za-z]:)/.test(host) ? (containerFolder ? hostToContainerPath(host, hostFolder, containerFolder) : undefined) : host;
    }
    if (exec instanceof vscode.ProcessExecution) {
      return { type: taskType, command: exec.process, args: exec.args, cwd };
    }
    const commandLine =
      exec.commandLine ?? [exec.command ? str(exec.command) : '', ...(exec.args ?? []).map((a) => shellQuote(str(a)))].join(' ').trim();
    return { type: taskType, command: substituteWorkspaceFolder(commandLine, containerFolder ?? hostFolder), cwd };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function describeExecution(t: vscode.Task): string {
  const e = t.execution;
  if (e instanceof vscode.ProcessExecution) return [e.process, ...e.args].join(' ');
  if (e instanceof vscode.ShellExecution) return e.commandLine ?? [e.command ? str(e.command) : '', ...(e.args ?? []).map(str)].join(' ');
  return '';
}
