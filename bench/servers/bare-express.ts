import http from 'node:http';
import express from 'express';

// The ingest peer: Express 5 parsing the same JSON bodies with the same limit and answering 202,
// with no validation, auth, store or queue. The gap to it is what the service's intake costs.

const app = express();
app.disable('x-powered-by');
app.use(express.json({ limit: '1mb', strict: true }));
let n = 0;
app.post('/v1/documents', (req, res) => {
  const body = req.body as { externalId?: string };
  res.status(202).json({ id: `bare-${n++}`, status: 'queued', externalId: body.externalId });
});
app.post('/v1/documents/batch', (req, res) => {
  const body = req.body as { documents?: unknown[] };
  res.status(202).json({ items: (body.documents ?? []).map((_, index) => ({ index, id: `bare-${n++}`, status: 'accepted' })) });
});

const server = http.createServer(app);
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`GUANDIAN_LISTENING http://127.0.0.1:${address.port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('message', () => process.exit(0));
