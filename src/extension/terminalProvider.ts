/**
 * Container shells: the "Berth: container shell" terminal profile and the "Open Terminal in
 * Container" command, both a ContainerPty over `BerthService.openSession`.
 */
import * as vscode from 'vscode';
import type { BerthService } from '../core/usecases/types';
import { ContainerPty } from './containerPty';
import type { BerthLog } from './log';
import type { Specs } from './specs';
import type { WorkspaceState } from './workspaceState';

export const profileId = 'berth.containerShell';
const maxTranscript = 256 * 1024;

/** What a Berth terminal showed, for the extension API (e2e tests). */
export interface TerminalTranscript {
  name: string;
  text: string;
  exitCode?: number;
  exited: boolean;
  /** The terminal's current size. */
  size?: { cols: number; rows: number };
}

export class TerminalProvider implements vscode.TerminalProfileProvider, vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  readonly transcripts: TerminalTranscript[] = [];

  constructor(
    private readonly service: BerthService,
    private readonly state: WorkspaceState,
    private readonly specs: Specs,
    private readonly log: BerthLog,
  ) {
    this.disposables.push(vscode.window.registerTerminalProfileProvider(profileId, this));
  }

  private get running(): boolean {
    return this.state.state.container?.state === 'running';
  }

  private get defaultInContainer(): boolean {
    return vscode.workspace.getConfiguration('berth').get<boolean>('defaultTerminalInContainer', false);
  }

  provideTerminalProfile(): vscode.ProviderResult<vscode.TerminalProfile> {
    // Made the default profile with the setting on: a stopped container must not leave the user
    // without a terminal, so fall back to the host's shell.
    if (!this.running && this.defaultInContainer) {
      return new vscode.TerminalProfile({ name: 'shell (host)', shellPath: vscode.env.shell || '/bin/sh' });
    }
    return new vscode.TerminalProfile(this.options());
  }

  /**
   * Opens a container shell in the panel, starting the container first when it is stopped. With
   * `service`, the shell opens in that other running service of a Compose project instead.
   */
  async open(service?: string): Promise<vscode.Terminal | undefined> {
    if (!this.running) {
      await vscode.commands.executeCommand('berth.start');
      if (!this.running) return undefined;
    }
    const terminal = vscode.window.createTerminal(this.options(service));
    terminal.show();
    return terminal;
  }

  private options(service?: string): vscode.ExtensionTerminalOptions {
    const name = service ? `Berth: ${service}` : `Berth: ${this.specs.selected?.name ?? 'container'}`;
    const transcript: TerminalTranscript = { name, text: '', exited: false };
    this.transcripts.push(transcript);
    const pty = new ContainerPty({
      closeOnExit: false,
      open: async (cols, rows) => {
        if (!this.running) {
          await vscode.commands.executeCommand('berth.start');
        }
        const ref = this.specs.ref();
        if (!ref) throw new Error('This workspace has no dev container spec.');
        this.log.write('debug', `[terminal] opening a shell in ${service ? `service ${service}` : 'the container'} (${cols}x${rows})`);
        return this.service.openSession(ref, { cols, rows, service }, { events: this.log.sink, env: process.env });
      },
      onOutput: (text) => {
        transcript.text = (transcript.text + text).slice(-maxTranscript);
      },
      onSize: (cols, rows) => {
        transcript.size = { cols, rows };
      },
      onExit: (code, lost) => {
        transcript.exited = true;
        transcript.exitCode = code;
        if (lost) this.log.write('warn', `[terminal] ${name} ended: the connection to Docker was lost (${lost.message})`);
        else this.log.write('debug', `[terminal] shell exited with code ${code ?? 'unknown'}`);
      },
    });
    return { name, pty, iconPath: new vscode.ThemeIcon('vm') };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
