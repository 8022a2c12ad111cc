"""A page that counts its visits in the database. Run: python3 app.py (port from PORT, default 8000)."""
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import counter


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        conn = counter.connect()
        try:
            n = counter.count_visit(conn, self.path)
        finally:
            conn.close()
        body = f"visits: {n}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8000"))
    ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()
