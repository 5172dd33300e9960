/** Bare Express: the same route as servers/expressLogto.ts without any auth. */
import express from 'express';
import { counted, ready } from './control.ts';

const app = express();
app.get('/me', (_request, response) => {
  counted();
  response.send('anonymous');
});

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (typeof address === 'object' && address) void ready(address.port);
});
