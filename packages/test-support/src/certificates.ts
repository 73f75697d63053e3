import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * A throwaway self-signed certificate (one day) for a test's https server or proxy, written as `cert.pem` and
 * `key.pem` into `dir`, made with the system's openssl. `altName` is an X.509 subjectAltName such as
 * `DNS:localhost` or `IP:127.0.0.1`.
 */
export function selfSignedCertificate(dir: string, altName = 'DNS:localhost'): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', `subjectAltName=${altName}`];
  const made = spawnSync('openssl', [...args, '-keyout', key, '-out', cert], { encoding: 'utf8' });
  if (made.error || made.status !== 0) throw new Error(`openssl could not make a test certificate: ${made.error?.message ?? made.stderr}`);
  return { cert, key };
}
