// The TLS edge: a handshake that reads the server's certificate. Kept apart from net.ts so only doctor's
// target probe loads node:tls.
import { connect } from 'node:tls';

export type TlsCertificate =
  { ok: true; validTo: string; authorizationError?: string } | { ok: false; detail: string };

/** The certificate host:port presents, when it expires and whether this machine trusts it. */
export async function probeTlsCertificate(
  host: string,
  port: number,
  timeoutMs = 5000,
): Promise<TlsCertificate> {
  const isIp = /^[\d.]+$/.test(host) || host.includes(':');
  return await new Promise<TlsCertificate>((resolve) => {
    // Not verifying here on purpose: an untrusted or expired certificate is a finding, not an error.
    const socket = connect({ host, port, rejectUnauthorized: false, ...(isIp ? {} : { servername: host }) });
    const done = (r: TlsCertificate) => {
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, detail: 'TLS handshake timed out' }));
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const validTo = cert.valid_to ? new Date(cert.valid_to) : undefined;
      if (!validTo || Number.isNaN(validTo.getTime())) {
        done({ ok: false, detail: 'the server sent no certificate' });
        return;
      }
      const authError = socket.authorizationError;
      done({
        ok: true,
        validTo: validTo.toISOString(),
        ...(authError ? { authorizationError: String(authError) } : {}),
      });
    });
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done({ ok: false, detail: err.code ?? err.message }),
    );
  });
}
