// An axios adapter that re-signs a request after the client signed it, the way a merchant with
// a wrong clock, a replaying proxy or a tampering middlebox would send it.
import axios, { type AxiosAdapter, type InternalAxiosRequestConfig } from 'axios';
import { sign, type KeyObject } from 'node:crypto';
import { AUTH_SCHEME } from '../../src/index.js';

export interface Resign {
  privateKey: KeyObject;
  /** Seconds added to the real time in the signed timestamp. */
  timestampOffset?: number;
  /** A fixed nonce, to replay one. */
  nonce?: string;
  /** Sign these bytes instead of the body sent. */
  signedBody?: string;
}

export function resigning(options: Resign): AxiosAdapter {
  const http = axios.getAdapter('http');
  return (config: InternalAxiosRequestConfig) => {
    const header = String(config.headers.get('Authorization'));
    const fields = Object.fromEntries([...header.matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    const url = new URL(axios.getUri(config));
    const timestamp = Math.floor(Date.now() / 1000) + (options.timestampOffset ?? 0);
    const nonce = options.nonce ?? fields.nonce_str!;
    const body = options.signedBody ?? (typeof config.data === 'string' ? config.data : '');
    const message = `${config.method!.toUpperCase()}\n${url.pathname + url.search}\n${timestamp}\n${nonce}\n${body}\n`;
    const signature = sign('sha256', Buffer.from(message), options.privateKey).toString('base64');
    config.headers.set(
      'Authorization',
      `${AUTH_SCHEME} mchid="${fields.mchid}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${fields.serial_no}"`,
    );
    return http(config);
  };
}
