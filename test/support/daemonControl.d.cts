/** scripts/ensure-docker.sh: starts dockerd when nothing answers, as CI does. */
export declare const ENSURE_DOCKER: string;
/** True when the engine answers `/_ping` within a second. */
export declare function daemonAnswers(): Promise<boolean>;
/** Undefined when this process may stop and start the daemon, else the reason it may not. */
export declare function daemonProblem(): Promise<string | undefined>;
/**
 * SIGTERMs dockerd and resolves (with the ms it took) once the socket no longer answers and the
 * process is gone: a second dockerd started before the first has exited would fight it for its pid file.
 */
export declare function stopDaemon(timeoutMs?: number): Promise<number>;
/** Starts dockerd when nothing answers (scripts/ensure-docker.sh) and waits for `/_ping`; the ms it took. */
export declare function startDaemon(): Promise<number>;
