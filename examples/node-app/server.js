'use strict';
// A tiny HTTP app: `/` greets, `/health` answers 200 for health checks.
const http = require('node:http');

function createServer() {
  return http.createServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok' }));
      return;
    }
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`Hello from node-app (${process.env.NODE_ENV || 'development'}, Node ${process.version})\n`);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
  });
}

if (require.main === module) {
  const port = Number(process.env.PORT || 3000);
  const server = createServer();
  server.listen(port, '0.0.0.0', () => console.log(`node-app listening on port ${port}`));
  // As PID 1, node ignores SIGTERM unless told: stop promptly on `docker stop`.
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

module.exports = { createServer };
