import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** RCPT TO addresses of the envelope. */
  to: string[];
  mail: ParsedMail;
}

/**
 * A real SMTP server on an ephemeral port of 127.0.0.1 that keeps every message it receives,
 * parsed with mailparser. It can be stopped and started again on the same port (an outage).
 */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  private server: SMTPServer | undefined;
  private port = 0;

  static async start(): Promise<SmtpSink> {
    const sink = new SmtpSink();
    await sink.listen();
    return sink;
  }

  get url(): string {
    return `smtp://tessera:secret@127.0.0.1:${this.port}`;
  }

  private async listen(): Promise<void> {
    const server = new SMTPServer({
      // Plain SMTP with AUTH on localhost: no TLS to set up in tests.
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authOptional: true,
      logger: false,
      closeTimeout: 200,
      onAuth: (auth, _session, callback) => {
        if (auth.username === 'tessera' && auth.password === 'secret') callback(null, { user: auth.username });
        else callback(new Error('invalid credentials'));
      },
      onData: (stream, session, callback) => {
        simpleParser(stream).then(
          (mail) => {
            this.received.push({ to: session.envelope.rcptTo.map((rcpt) => rcpt.address), mail });
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops accepting connections (the port refuses them) until restart(). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again on the same port. */
  async restart(): Promise<void> {
    if (!this.server) await this.listen();
  }

  /** The first message, once it has arrived. */
  async waitForFirst(timeoutMs = 20_000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length === 0) {
      if (Date.now() > deadline) throw new Error(`no email received in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.received[0]!;
  }
}
