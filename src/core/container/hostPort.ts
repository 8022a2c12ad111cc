/** The real port probe behind `pickFreePorts`: the only host I/O of the container planners. */
import { createServer } from 'node:net';

/** Whether a TCP listener can bind `ip:port` right now (it is closed again at once). */
export function isHostPortFree(port: number, ip = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host: ip, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}
