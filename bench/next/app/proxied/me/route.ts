// The same route behind proxy.ts (which matches /proxied/…): what a page behind the proxy pays.
import { measured } from '../../../lib/logto.ts';

export const GET = measured;
