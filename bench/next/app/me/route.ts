// With BENCH_LOGTO=1 a route handler through logto.route(); without, a bare route handler.
import type { NextRequest } from 'next/server';
import { bare, measured } from '../../lib/logto.ts';

export const GET = (request: NextRequest) => (process.env.BENCH_LOGTO === '1' ? measured(request) : bare());
