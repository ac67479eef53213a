import http from 'node:http';

export interface HealthServer {
  url: string;
  close(): Promise<void>;
}

/** The Prometheus exposition of this process (src/metrics). */
export type MetricsSource = () => Promise<{ contentType: string; body: string }>;

/**
 * GET /healthz answers 200 while `isHealthy()` holds, 503 otherwise; GET /metrics serves `metrics` when given.
 */
export async function startHealthServer(
  port: number,
  isHealthy: () => boolean,
  host = '0.0.0.0',
  metrics?: MetricsSource,
): Promise<HealthServer> {
  const server = http.createServer((req, res) => {
    if (metrics && req.method === 'GET' && req.url === '/metrics') {
      metrics().then(
        ({ contentType, body }) => {
          res.writeHead(200, { 'content-type': contentType });
          res.end(body);
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`metrics unavailable: ${error instanceof Error ? error.message : String(error)}\n`);
        },
      );
      return;
    }
    if (req.method === 'GET' && (req.url === '/healthz' || req.url === '/health')) {
      const ok = isHealthy();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: ok ? 'ok' : 'unavailable' }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'not found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://localhost:${actualPort}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
